//! The `session` Lambda function: sign-in (`/auth/…`) and the members area
//! (the members bucket, S3, and the per-member pages). It sends no mail,
//! see `duos_lambda`.

fn main() -> std::process::ExitCode {
    duos_lambda::serve_session(|env| async move {
        let app = env.app(env.no_mailer()).await;
        env.members_area(app).await
    })
}
