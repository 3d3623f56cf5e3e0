//! The `applications` Lambda function: applications, the waitlist's offers,
//! the alumni's volunteering and the mentor's profile. It mails (SES) and
//! publishes profile changes into the members bucket (S3), see
//! `duos_lambda`.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(
        Function::Applications,
        functions::routes::APPLICATIONS,
        |env| async move {
            let app = env.app(env.ses_mailer().await).await;
            Ok(env.publishing(app).await)
        },
    )
}
