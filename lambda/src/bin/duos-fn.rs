//! The `duos` Lambda function: the committee's duos, liaisons, ending a duo
//! early. It mails (SES), see `duos_lambda`. The binary is `duos-fn`,
//! not `duos`, so it does not collide with the `duos` CLI in the
//! workspace's target folder.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(Function::Duos, functions::routes::DUOS, |env| async move {
        Ok(env.app(env.ses_mailer().await).await)
    })
}
