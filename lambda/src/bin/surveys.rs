//! The `surveys` Lambda function: survey answers and response rates. It
//! sends no mail, see `duos_lambda`.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(
        Function::Surveys,
        functions::routes::SURVEYS,
        |env| async move { Ok(env.app(env.no_mailer()).await) },
    )
}
