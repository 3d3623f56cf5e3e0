//! The `scheduler` Lambda function: one tick of reminders, expiry, survey
//! invitations and waitlist offers per EventBridge Scheduler event. It
//! mails (SES), see `functions::lambda`.

fn main() -> std::process::ExitCode {
    functions::lambda::serve_schedule(
        |env| async move { Ok(env.app(env.ses_mailer().await).await) },
    )
}
