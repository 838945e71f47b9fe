//! One HTTP attempt to Stripe, with what the request log needs from the answer (status,
//! `Request-Id`, `Stripe-Should-Retry`). TLS is rustls with ring, like async-stripe's own client.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// An answer from Stripe, whatever its status.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub should_retry: Option<bool>,
    pub body: Bytes,
}

/// The HTTP client shared by all of an account's requests.
#[derive(Debug, Clone)]
pub struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Transport {
    /// A client speaking HTTPS (webpki roots) or plain HTTP (loopback emulator).
    pub fn new() -> Self {
        let connector = HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        Transport { client: Client::builder(TokioExecutor::new()).build(connector) }
    }

    /// Sends one request; `Err` is a sentence saying why no answer came.
    pub async fn send(&self, request: Request<Full<Bytes>>, timeout: Duration) -> Result<RawResponse, String> {
        let attempt = async {
            let response = self.client.request(request).await.map_err(|err| describe(&err))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
            };
            let request_id = header("request-id");
            let should_retry = header("stripe-should-retry").and_then(|value| value.parse().ok());
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|err| format!("the connection dropped while reading the answer ({err})"))?
                .to_bytes();
            Ok(RawResponse { status, request_id, should_retry, body })
        };
        match tokio::time::timeout(timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        }
    }
}

/// The innermost cause of a client error reads best ("Connection refused (os error 111)").
fn describe(err: &hyper_util::client::legacy::Error) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}
