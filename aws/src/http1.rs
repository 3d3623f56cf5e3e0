//! The HTTP client under every AWS client duos builds: HTTP/1.1 over rustls
//! with ring, through hyper's pooled client.
//!
//! The SDK's own client (`aws-smithy-http-client`) always compiles HTTP/2
//! (the `h2` crate and hyper's HTTP/2 client), which none of the services
//! duos calls needs: DynamoDB, SES v2, S3 and SSM all answer HTTP/1.1, and
//! the SDK speaks HTTP/2 only for event streams. Leaving it out makes every
//! Lambda bootstrap smaller (BENCHMARKS.md, "Lambda packages").
//!
//! What the SDK expects of a client, this one does: it takes the connect
//! and read timeouts of each operation's settings, keeps one connection
//! pool per setting, and tells the retry strategy which failures are
//! transient (a refused or reset connection, a timeout, a response cut
//! short) and which are not.

use std::error::Error as StdError;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use http_body_util::BodyExt;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// How long an idle pooled connection is kept (the SDK's client keeps 90 s).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

type BoxError = Box<dyn StdError + Send + Sync>;
type Pooled = Client<HttpsConnector<TcpConnector>, SdkBody>;

/// The client every AWS SDK configuration of duos gets: HTTPS with the
/// system's roots, plain HTTP for `http://` endpoints (moto in the tests).
/// Each call makes a client with pools of its own (the clients built from
/// one configuration share them); the system's roots are read once per
/// process.
pub fn https_client() -> SharedHttpClient {
    SharedHttpClient::new(Http1Client::with_system_roots())
}

/// The system's roots in a rustls configuration, read on first use.
fn system_tls() -> Arc<rustls::ClientConfig> {
    static TLS: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    Arc::clone(TLS.get_or_init(|| Arc::new(system_tls_config())))
}

/// A rustls configuration with ring and the system's root certificates.
/// With no readable root (a machine without `ca-certificates`), HTTPS
/// fails at the handshake with an unknown-issuer error, and the reason is
/// logged once here.
pub fn system_tls_config() -> rustls::ClientConfig {
    let found = rustls_native_certs::load_native_certs();
    if !found.errors.is_empty() {
        tracing::warn!(errors = ?found.errors, "some system root certificates could not be read");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (_, unparsable) = roots.add_parsable_certificates(found.certs);
    if roots.is_empty() {
        tracing::warn!(
            unparsable,
            "no system root certificate: HTTPS connections to AWS will fail"
        );
    }
    tls_config(roots)
}

/// A rustls configuration with ring that trusts `roots` (tests: a local CA).
pub fn tls_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports rustls's default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// An HTTP/1.1 client for the AWS SDK (see the module docs): one pool per
/// distinct pair of timeouts the SDK asks for.
#[derive(Clone)]
pub struct Http1Client {
    tls: Arc<rustls::ClientConfig>,
    pools: Arc<Mutex<Vec<(Timeouts, Pooled)>>>,
}

impl std::fmt::Debug for Http1Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http1Client").finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timeouts {
    connect: Option<Duration>,
    read: Option<Duration>,
}

impl Http1Client {
    /// A client that verifies servers with `tls`.
    pub fn new(tls: rustls::ClientConfig) -> Http1Client {
        Http1Client {
            tls: Arc::new(tls),
            pools: Arc::default(),
        }
    }

    /// A client that verifies servers with the system's roots.
    pub fn with_system_roots() -> Http1Client {
        Http1Client {
            tls: system_tls(),
            pools: Arc::default(),
        }
    }

    /// The pool for `timeouts`, made on first use.
    fn pool(&self, timeouts: Timeouts) -> Pooled {
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, pool)) = pools.iter().find(|(t, _)| *t == timeouts) {
            return pool.clone();
        }
        let pool = self.new_pool(timeouts);
        pools.push((timeouts, pool.clone()));
        pool
    }

    fn new_pool(&self, timeouts: Timeouts) -> Pooled {
        let mut tcp = TcpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(timeouts.connect);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*self.tls).clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .build(https)
    }
}

impl HttpClient for Http1Client {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let timeouts = Timeouts {
            connect: settings.connect_timeout(),
            read: settings.read_timeout(),
        };
        SharedHttpConnector::new(Http1Connector {
            client: self.pool(timeouts),
            read_timeout: timeouts.read,
        })
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("duos-http1", None))
    }
}

impl Http1Client {
    /// Sends a request made outside the SDK (the signed SSM read, see
    /// `ssm.rs`) with the SDK's default timeouts, and reads the whole
    /// response. A failure says whether it is worth another attempt.
    pub(crate) async fn send(
        &self,
        request: http::Request<SdkBody>,
    ) -> Result<http::Response<bytes::Bytes>, ConnectorError> {
        const DEFAULT: Timeouts = Timeouts {
            connect: Some(Duration::from_millis(3100)),
            read: Some(Duration::from_secs(30)),
        };
        let limit = DEFAULT.read.unwrap_or(Duration::MAX);
        let response = tokio::time::timeout(limit, self.pool(DEFAULT).request(request))
            .await
            .map_err(|_| ConnectorError::timeout(format!("no response within {limit:?}").into()))?
            .map_err(classify)?;
        let (parts, body) = response.into_parts();
        let body = tokio::time::timeout(limit, body.collect())
            .await
            .map_err(|_| ConnectorError::timeout(format!("the body took over {limit:?}").into()))?
            .map_err(|e| ConnectorError::io(e.into()))?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }
}

/// One pool of connections with its timeouts.
struct Http1Connector {
    client: Pooled,
    read_timeout: Option<Duration>,
}

impl std::fmt::Debug for Http1Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http1Connector")
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl HttpConnector for Http1Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        let response = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => match tokio::time::timeout(limit, response).await {
                    Ok(result) => result,
                    Err(_) => {
                        return Err(ConnectorError::timeout(
                            format!("no response within the read timeout of {limit:?}").into(),
                        ))
                    }
                },
                None => response.await,
            };
            match response {
                Ok(response) => HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|e| ConnectorError::other(e.into(), None)),
                Err(e) => Err(classify(e)),
            }
        })
    }
}

/// What the SDK's retry strategy should make of a failed request: a
/// connection that could not be made or broke (I/O) and a response cut
/// short are transient; a timeout is a timeout; a request hyper refused to
/// send is the caller's; anything else is not retried.
fn classify(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let hyper = find_source::<hyper::Error>(&error);
    let io = find_source::<std::io::Error>(&error).map(|e| e.kind());
    let timed_out =
        hyper.is_some_and(|e| e.is_timeout()) || io == Some(std::io::ErrorKind::TimedOut);
    let refused_to_send = !error.is_connect() && hyper.is_some_and(|e| e.is_user());
    let cut_short = hyper.is_some_and(|e| e.is_incomplete_message());
    let connection_failed = error.is_connect()
        || io.is_some()
        || hyper.is_some_and(|e| e.is_closed() || e.is_canceled());
    let error: BoxError = Box::new(error);
    if timed_out {
        ConnectorError::timeout(error)
    } else if refused_to_send {
        ConnectorError::user(error)
    } else if cut_short {
        ConnectorError::other(error, Some(ErrorKind::TransientError))
    } else if connection_failed {
        ConnectorError::io(error)
    } else {
        ConnectorError::other(error, None)
    }
}

fn find_source<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(found) = error.downcast_ref::<E>() {
            return Some(found);
        }
        next = error.source();
    }
    None
}
