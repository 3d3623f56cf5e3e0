//! The `nominations` Lambda function: nominations and the nominee's
//! consent. It mails (SES), see `duos_lambda`.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(
        Function::Nominations,
        functions::routes::NOMINATIONS,
        |env| async move { Ok(env.app(env.ses_mailer().await).await) },
    )
}
