//! The `scheduler` Lambda function: one tick of reminders, expiry, survey
//! invitations and waitlist offers per EventBridge Scheduler event. It
//! mails (SES), see `duos_lambda`.

fn main() -> std::process::ExitCode {
    duos_lambda::serve_schedule(|env| async move { Ok(env.app(env.ses_mailer().await).await) })
}
