//! The HTTP side of the listener: one axum route, `POST /webhooks/{slug}`, and its lifecycle.
//!
//! Answers: unknown slug or no signing secret → 404; body over the cap → 413; missing or bad
//! signature, or a body that is not an event → 400; the target failing → 500 (so Stripe
//! retries); stored → 200 with `{"received": true, "duplicate": bool}`. Error bodies are
//! `{"error": "<plain words>"}` and never carry secrets, expected signatures or internal errors.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::signature;
use super::WebhookTarget;
use crate::error::{Error, Result};

/// The port `stripe listen --forward-to` examples and the settings default use.
pub const DEFAULT_PORT: u16 = 4243;

/// Largest accepted body. Stripe's event payloads are far smaller; the cap keeps a stray
/// client from making us buffer without end.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long [`ListenerHandle::shutdown`] waits for deliveries in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Where the listener binds and how much it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerConfig {
    /// Address to bind; loopback unless the user explicitly chooses another.
    pub bind: IpAddr,
    /// Port; 0 picks a free one (tests).
    pub port: u16,
    /// Bodies longer than this are refused with 413.
    pub max_body_bytes: usize,
}

impl Default for ListenerConfig {
    fn default() -> Self {
        ListenerConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl ListenerConfig {
    /// A config from the settings' text form of the bind address, with the default body cap.
    pub fn from_settings(bind: &str, port: u16) -> Result<Self> {
        let bind = bind.trim().parse::<IpAddr>().map_err(|_| {
            Error::Validation(format!(
                "'{}' is not an IP address; use 127.0.0.1 to accept deliveries from this computer only.",
                bind.trim()
            ))
        })?;
        Ok(ListenerConfig {
            bind,
            port,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// A sentence to show when the listener can be reached from other computers; `None` on loopback.
    pub fn warning(&self) -> Option<String> {
        if self.bind.is_loopback() {
            return None;
        }
        Some(format!(
            "The webhook listener on {} can be reached from other computers, not just this one. \
             Deliveries are still checked against each account's signing secret, but keep it on \
             127.0.0.1 unless a tunnel or another machine must reach it directly.",
            SocketAddr::new(self.bind, self.port)
        ))
    }
}

/// A running listener. Dropping it stops the listener too; [`ListenerHandle::shutdown`]
/// also waits for deliveries in flight to finish.
pub struct ListenerHandle {
    local_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for ListenerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListenerHandle")
            .field("local_addr", &self.local_addr)
            .finish()
    }
}

impl ListenerHandle {
    /// The address actually bound (the real port when the config asked for 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections and lets deliveries in flight finish, waiting at most
    /// [`SHUTDOWN_GRACE`].
    pub async fn shutdown(self) {
        self.shutdown_within(SHUTDOWN_GRACE).await;
    }

    /// Like [`ListenerHandle::shutdown`] with another grace period. A client that keeps a
    /// request half-sent would otherwise hold shutdown (and the port) forever; after the grace
    /// the port is closed anyway and such a connection ends when its client goes away.
    pub async fn shutdown_within(self, grace: Duration) {
        // The server may already have stopped on its own; then there is no one to tell.
        let _ = self.stop.send(());
        let mut task = self.task;
        match tokio::time::timeout(grace, &mut task).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::error!(error = %err, "the webhook listener task failed"),
            Err(_) => {
                task.abort();
                tracing::warn!(
                    grace_secs = grace.as_secs_f64(),
                    "webhook listener: connections still open after the grace period were left to close"
                );
            }
        }
        tracing::info!(addr = %self.local_addr, "webhook listener stopped");
    }
}

/// Shared by every request.
struct Shared {
    target: Arc<dyn WebhookTarget>,
    max_body_bytes: usize,
}

/// Binds and starts serving in the background.
pub async fn start(
    config: ListenerConfig,
    target: Arc<dyn WebhookTarget>,
) -> Result<ListenerHandle> {
    let wanted = SocketAddr::new(config.bind, config.port);
    let listener = tokio::net::TcpListener::bind(wanted)
        .await
        .map_err(|err| bind_error(wanted, &err))?;
    let local_addr = listener
        .local_addr()
        .map_err(|err| Error::Internal(format!("the webhook listener has no address: {err}")))?;
    if let Some(warning) = config.warning() {
        tracing::warn!("{warning}");
    }

    let shared = Arc::new(Shared {
        target,
        max_body_bytes: config.max_body_bytes,
    });
    let app = Router::new()
        .route("/webhooks/{slug}", post(deliver))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            // A send or a dropped handle: either way, stop.
            let _ = stopped.await;
        })
        .await;
        if let Err(err) = served {
            tracing::error!(error = %err, "the webhook listener stopped with an error");
        }
    });
    tracing::info!(addr = %local_addr, "webhook listener started");
    Ok(ListenerHandle {
        local_addr,
        stop,
        task,
    })
}

/// Bind failures in words the settings screen can show.
fn bind_error(addr: SocketAddr, err: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::AddrInUse => Error::Conflict(format!(
            "Port {} is already in use on {}; choose another port for the webhook listener.",
            addr.port(),
            addr.ip()
        )),
        ErrorKind::AddrNotAvailable => {
            Error::Validation(format!("{} is not an address of this computer.", addr.ip()))
        }
        ErrorKind::PermissionDenied => Error::Validation(format!(
            "Not allowed to listen on port {}; ports below 1024 usually need administrator rights.",
            addr.port()
        )),
        _ => Error::Internal(format!(
            "cannot start the webhook listener on {addr}: {err}"
        )),
    }
}

/// A refusal: status plus a plain-words reason for the caller, logged the same way.
fn refuse(status: StatusCode, slug: &str, peer: SocketAddr, reason: &str) -> Response {
    tracing::warn!(slug, %peer, status = status.as_u16(), reason, "webhook delivery refused");
    (status, Json(json!({ "error": reason }))).into_response()
}

/// One delivery. The slug is checked before the body is read, the signature before the body
/// is parsed, and 200 is sent only after the target has stored the event.
async fn deliver(
    State(shared): State<Arc<Shared>>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (account_id, secret) = match shared.target.signing_secret(&slug).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return refuse(
                StatusCode::NOT_FOUND,
                &slug,
                peer,
                "No webhook endpoint at this address.",
            )
        }
        Err(err) => {
            tracing::error!(slug, error = %err, "cannot read the webhook signing secret");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                &slug,
                peer,
                "The signing secret could not be read; try again later.",
            );
        }
    };

    let header = request
        .headers()
        .get("Stripe-Signature")
        .map(|value| value.to_str().map(str::to_owned).unwrap_or_default());
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let reason = format!("The body is larger than {} bytes.", shared.max_body_bytes);
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, &slug, peer, &reason);
        }
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &slug,
                peer,
                "The body could not be read.",
            )
        }
    };

    let now = chrono::Utc::now().timestamp();
    if let Err(err) = signature::verify(header.as_deref(), &body, &secret, now) {
        return refuse(StatusCode::BAD_REQUEST, &slug, peer, &err.to_string());
    }

    let Some((event, event_id, event_type)) = parse_event(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            &slug,
            peer,
            "The body is not a Stripe event.",
        );
    };
    match shared.target.accept_event(&account_id, event).await {
        Ok(new) => {
            tracing::info!(
                slug,
                account = %account_id,
                %peer,
                event = %event_id,
                event_type = %event_type,
                bytes = body.len(),
                duplicate = !new,
                "webhook delivery stored"
            );
            (
                StatusCode::OK,
                Json(json!({ "received": true, "duplicate": !new })),
            )
                .into_response()
        }
        Err(err) => {
            tracing::error!(slug, account = %account_id, event = %event_id, error = %err, "cannot store a webhook event");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                &slug,
                peer,
                "The event could not be stored; Stripe will retry it.",
            )
        }
    }
}

/// The event, its id and its type, when the body is a JSON event object.
fn parse_event(body: &[u8]) -> Option<(serde_json::Value, String, String)> {
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    if event.get("object")?.as_str()? != "event" {
        return None;
    }
    let id = event.get("id")?.as_str()?.to_string();
    let kind = event.get("type")?.as_str()?.to_string();
    if id.is_empty() {
        return None;
    }
    Some((event, id, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_loopback_bind_warns() {
        assert_eq!(ListenerConfig::default().warning(), None);
        let v6 = ListenerConfig {
            bind: "::1".parse().unwrap(),
            ..ListenerConfig::default()
        };
        assert_eq!(v6.warning(), None);
        let open = ListenerConfig::from_settings("0.0.0.0", 4243).unwrap();
        let warning = open.warning().expect("a warning for 0.0.0.0");
        assert!(
            warning.contains("0.0.0.0:4243") && warning.contains("other computers"),
            "{warning}"
        );
    }

    #[test]
    fn settings_text_must_be_an_ip_address() {
        let config = ListenerConfig::from_settings(" 127.0.0.1 ", 4300).unwrap();
        assert_eq!(
            config,
            ListenerConfig {
                port: 4300,
                ..ListenerConfig::default()
            }
        );
        let err = ListenerConfig::from_settings("localhost:80", 4243).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation);
    }

    #[test]
    fn only_json_event_objects_with_an_id_and_type_are_events() {
        let event = br#"{"id":"evt_1","object":"event","type":"invoice.paid","data":{}}"#;
        let (_, id, kind) = parse_event(event).unwrap();
        assert_eq!((id.as_str(), kind.as_str()), ("evt_1", "invoice.paid"));
        for body in [
            &b"not json"[..],
            br#"[1]"#,
            br#"{"id":"in_1","object":"invoice","type":"x"}"#,
            br#"{"id":"","object":"event","type":"x"}"#,
            br#"{"object":"event","type":"x"}"#,
        ] {
            assert!(
                parse_event(body).is_none(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
