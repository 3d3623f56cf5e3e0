pub mod alumni;
pub mod build;
pub mod cohort_source;
pub mod init;
pub mod mentors;
pub mod profiles;
pub mod report;
pub mod roster;
pub mod serve;
pub mod store_args;
pub mod tick;

/// A runtime for a command's async work, on the current thread.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// Runs `work` on a [`runtime`] of its own and prints its summary (exit 0)
/// or `command: error` (exit 1).
pub fn run_and_print(
    command: &str,
    work: impl std::future::Future<Output = Result<String, String>>,
) -> std::process::ExitCode {
    match runtime().and_then(|r| r.block_on(work)) {
        Ok(summary) => {
            println!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{command}: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
