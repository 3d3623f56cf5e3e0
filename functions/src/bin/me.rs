//! The `me` Lambda function (see `functions::lambda` for the paths it
//! answers and how it is configured).

fn main() -> std::process::ExitCode {
    functions::lambda::main(functions::lambda::Function::Me)
}
