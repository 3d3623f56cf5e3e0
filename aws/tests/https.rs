//! The AWS SDK through duos's HTTP/1.1 client (`duos_aws::Http1Client`)
//! against servers on loopback: over TLS with a test certificate, refusing
//! a certificate it does not trust, retrying a dropped connection, and
//! giving up on a server that never answers; and duos's own SSM read
//! through it, retried after a server error. (The services themselves are
//! tested on moto, over plain HTTP, in the functions' and the Lambda
//! crate's tests.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use duos_aws::{tls_config, Http1Client};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with the n-th connection (0-based).
#[derive(Clone, Copy)]
enum Answer {
    /// A DynamoDB `ListTables` reply.
    Tables,
    /// Closes the connection before reading anything.
    Drop,
    /// Reads the request and never answers.
    Silence,
    /// 503, as a service that is briefly overloaded.
    Busy,
    /// An SSM `GetParameter` reply.
    Parameter,
    /// The same, keeping the connection open for the next request.
    ParameterKeepAlive,
}

struct Server {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
}

/// A loopback server answering connection n with `plan[n]` (the last entry
/// for any later one), over TLS with `tls` when given.
async fn serve(plan: Vec<Answer>, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (seen, heads) = (Arc::clone(&connections), Arc::clone(&requests));
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let answer = plan[n.min(plan.len() - 1)];
            let (tls, heads) = (tls.clone(), Arc::clone(&heads));
            tokio::spawn(async move {
                match tls {
                    Some(config) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(config);
                        if let Ok(stream) = acceptor.accept(tcp).await {
                            answer_on(stream, answer, heads).await;
                        }
                    }
                    None => answer_on(tcp, answer, heads).await,
                }
            });
        }
    });
    Server {
        url: format!("{scheme}://127.0.0.1:{port}"),
        connections,
        requests,
    }
}

async fn answer_on<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    answer: Answer,
    heads: Arc<std::sync::Mutex<Vec<String>>>,
) {
    if let Answer::Drop = answer {
        return;
    }
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        // One request: its head, then as many body bytes as it declares.
        let head_end = loop {
            if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&pending[..head_end]).into_owned();
        let body_len = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while pending.len() < head_end + body_len {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
        pending.drain(..head_end + body_len);
        heads.lock().unwrap().push(head);
        let (status, body) = match answer {
            Answer::Silence => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                return;
            }
            Answer::Tables => ("200 OK", r#"{"TableNames":["duos"]}"#),
            Answer::Busy => ("503 Service Unavailable", r#"{"message":"busy"}"#),
            Answer::Parameter | Answer::ParameterKeepAlive => (
                "200 OK",
                r#"{"Parameter":{"Name":"/duos/session-secret","Type":"SecureString","Value":"from-ssm","Version":1}}"#,
            ),
            Answer::Drop => unreachable!("handled above"),
        };
        let keep_alive = matches!(answer, Answer::ParameterKeepAlive);
        let reply = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n{body}",
            body.len(),
            if keep_alive { "keep-alive" } else { "close" },
        );
        if stream.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
        if !keep_alive {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// A certificate for 127.0.0.1 signed by nobody else: the server's, and
/// the one root a trusting client has.
fn loopback_certificate() -> (
    rustls::pki_types::CertificateDer<'static>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("a test certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    (certified.cert.der().clone(), key)
}

fn server_tls(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> Arc<rustls::ServerConfig> {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .expect("server certificate");
    Arc::new(config)
}

fn client_trusting(roots: &[rustls::pki_types::CertificateDer<'static>]) -> SharedHttpClient {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).expect("a root");
    }
    SharedHttpClient::new(Http1Client::new(tls_config(store)))
}

fn dynamodb(
    url: &str,
    client: SharedHttpClient,
    timeouts: TimeoutConfig,
    retry: RetryConfig,
) -> aws_sdk_dynamodb::Client {
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(client)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST",
            "test-secret",
            None,
            None,
            "test",
        )))
        .endpoint_url(url)
        .timeout_config(timeouts)
        .retry_config(retry)
        .build();
    aws_sdk_dynamodb::Client::new(&config)
}

/// A TLS server on loopback answering `ListTables`, and a DynamoDB client
/// (no retries) that trusts its certificate, or another one.
async fn over_tls(trusting_the_server: bool) -> (Server, aws_sdk_dynamodb::Client) {
    let (cert, key) = loopback_certificate();
    let root = if trusting_the_server {
        cert.clone()
    } else {
        loopback_certificate().0
    };
    let server = serve(vec![Answer::Tables], Some(server_tls(cert, key))).await;
    let client = dynamodb(
        &server.url,
        client_trusting(&[root]),
        TimeoutConfig::builder().build(),
        RetryConfig::disabled(),
    );
    (server, client)
}

/// An SDK configuration for SSM on `url` (region eu-west-1).
fn ssm_config(url: &str, session_token: Option<&str>) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST",
            "test-secret",
            session_token.map(str::to_owned),
            None,
            "test",
        )))
        .endpoint_url(url)
        .build()
}

#[tokio::test]
async fn the_sdk_reaches_an_https_endpoint_whose_certificate_it_trusts() {
    let (server, client) = over_tls(true).await;
    let tables = client
        .list_tables()
        .send()
        .await
        .map_err(|e| DisplayErrorContext(e).to_string())
        .expect("ListTables over TLS");
    assert_eq!(tables.table_names(), ["duos"]);
    let heads = server.requests.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let head = heads[0].to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1\r\n"), "{head}");
    assert!(
        head.contains("\r\nauthorization: aws4-hmac-sha256 credential=akidtest/"),
        "signed: {head}"
    );
    assert!(
        head.contains("\r\nx-amz-target: dynamodb_20120810.listtables\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_certificate_the_client_does_not_trust_is_refused() {
    let (server, client) = over_tls(false).await;
    let err = client
        .list_tables()
        .send()
        .await
        .expect_err("an untrusted certificate");
    let message = DisplayErrorContext(&err).to_string();
    assert!(
        message.to_lowercase().contains("certificate"),
        "the reason names the certificate: {message}"
    );
    assert!(
        server.requests.lock().unwrap().is_empty(),
        "no request was sent to the untrusted server"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried_on_a_new_one() {
    let server = serve(vec![Answer::Drop, Answer::Tables], None).await;
    let client = dynamodb(
        &server.url,
        client_trusting(&[]),
        TimeoutConfig::builder().build(),
        RetryConfig::standard()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(1)),
    );
    let tables = client
        .list_tables()
        .send()
        .await
        .map_err(|e| DisplayErrorContext(e).to_string())
        .expect("the second attempt answers");
    assert_eq!(tables.table_names(), ["duos"]);
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    let server = serve(vec![Answer::Silence], None).await;
    let client = dynamodb(
        &server.url,
        client_trusting(&[]),
        TimeoutConfig::builder()
            .read_timeout(Duration::from_millis(300))
            .build(),
        RetryConfig::disabled(),
    );
    let started = std::time::Instant::now();
    let err = client.list_tables().send().await.expect_err("no answer");
    let elapsed = started.elapsed();
    match &err {
        aws_sdk_dynamodb::error::SdkError::DispatchFailure(dispatch) => {
            assert!(dispatch.is_timeout(), "{}", DisplayErrorContext(&err))
        }
        other => panic!("a dispatch failure: {}", DisplayErrorContext(other)),
    }
    assert!(
        elapsed < Duration::from_secs(10),
        "gave up after the read timeout, not the server's 30 s: {elapsed:?}"
    );
    assert_eq!(server.requests.lock().unwrap().len(), 1);
}

/// The SSM read (`duos_aws::get_secure_string`, a request of duos's own)
/// tries again after a 5xx, and sends a signed `GetParameter`.
#[tokio::test]
async fn the_ssm_read_is_retried_after_a_server_error() {
    let server = serve(vec![Answer::Busy, Answer::Parameter], None).await;
    let config = ssm_config(&server.url, Some("session-token"));
    let value = duos_aws::get_secure_string(&config, "/duos/session-secret")
        .await
        .expect("the second attempt answers");
    assert_eq!(value, b"from-ssm");
    let heads = server.requests.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    for head in heads.iter().map(|h| h.to_ascii_lowercase()) {
        assert!(head.starts_with("post / http/1.1\r\n"), "{head}");
        assert!(
            head.contains("\r\nx-amz-target: amazonssm.getparameter\r\n"),
            "{head}"
        );
        assert!(
            head.contains("\r\nauthorization: aws4-hmac-sha256 credential=akidtest/")
                && head.contains("/eu-west-1/ssm/aws4_request"),
            "{head}"
        );
        assert!(
            head.contains("\r\nx-amz-security-token: session-token\r\n"),
            "{head}"
        );
    }
}

/// A function's two secrets at cold start (`SsmReader`): the second read
/// reuses the first one's connection.
#[tokio::test]
async fn two_ssm_reads_share_one_connection() {
    let server = serve(vec![Answer::ParameterKeepAlive], None).await;
    let config = ssm_config(&server.url, None);
    let ssm = duos_aws::SsmReader::new();
    for name in ["/duos/session-secret", "/duos/survey-secret"] {
        let value = ssm.get(&config, name).await.expect("the value");
        assert_eq!(value, b"from-ssm");
    }
    assert_eq!(server.requests.lock().unwrap().len(), 2);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}
