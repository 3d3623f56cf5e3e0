//! The `matches` Lambda function: match requests and the chair's pairings.
//! It mails (SES) and publishes the listings a new duo changes into the
//! members bucket (S3), see `duos_lambda`.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(
        Function::Matches,
        functions::routes::MATCHES,
        |env| async move {
            let app = env.app(env.ses_mailer().await).await;
            Ok(env.publishing(app).await)
        },
    )
}
