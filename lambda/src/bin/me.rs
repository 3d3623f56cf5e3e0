//! The `me` Lambda function: the signed-in member's own data and the
//! alumni opt-in. It sends no mail, see `duos_lambda`.

fn main() -> std::process::ExitCode {
    use duos_lambda::{serve_api, Function};
    serve_api(Function::Me, functions::routes::ME, |env| async move {
        Ok(env.app(env.no_mailer()).await)
    })
}
