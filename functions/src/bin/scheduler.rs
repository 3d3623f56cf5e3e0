//! The `scheduler` Lambda function: EventBridge Scheduler invokes it hourly
//! and each invocation runs `functions::scheduler::tick` once (see
//! `functions::lambda`).

fn main() -> std::process::ExitCode {
    functions::lambda::main(functions::lambda::Function::Scheduler)
}
