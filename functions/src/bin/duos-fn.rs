//! The `duos` Lambda function (see `functions::lambda` for the paths it
//! answers and how it is configured). The binary is `duos-fn`, not `duos`,
//! so it does not collide with the `duos` CLI in the workspace's target
//! folder.

fn main() -> std::process::ExitCode {
    functions::lambda::main(functions::lambda::Function::Duos)
}
