//! `Stripe-Signature` verification: `t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 keyed by the
//! endpoint's signing secret over `"{t}.{raw body}"`.
//!
//! Any `v1` may match (several appear while Stripe rotates a secret), other schemes such as
//! test mode's `v0` are ignored, the comparison is constant-time, and the timestamp must be
//! within [`TOLERANCE_SECS`] of `now` either way so a captured delivery cannot be replayed later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::secrets::Secret;

/// How far the signed timestamp may be from our clock, in seconds (Stripe's own default).
pub const TOLERANCE_SECS: i64 = 300;

/// Why a delivery's signature was refused. Messages are plain words and never contain the
/// expected signature or the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header at all.
    #[error("The request has no Stripe-Signature header.")]
    MissingHeader,
    /// The header has no readable `t=` timestamp.
    #[error("The Stripe-Signature header is malformed: it needs a t=<unix time> timestamp.")]
    Malformed,
    /// The header has a timestamp but no `v1=` signature.
    #[error("The Stripe-Signature header has no v1 signature.")]
    NoV1Signature,
    /// No `v1` signature matches the body and the signing secret.
    #[error("No signature matches the body and this account's signing secret.")]
    Mismatch,
    /// The timestamp is older than the tolerance.
    #[error("The signature is too old ({age_secs} s; at most {TOLERANCE_SECS} s is accepted).")]
    TooOld {
        /// Seconds between the signed timestamp and now.
        age_secs: i64,
    },
    /// The timestamp is further in the future than the tolerance.
    #[error("The signature is dated {ahead_secs} s in the future (at most {TOLERANCE_SECS} s is accepted); check this computer's clock.")]
    TooNew {
        /// Seconds the signed timestamp is ahead of now.
        ahead_secs: i64,
    },
}

/// The parts of a `Stripe-Signature` header that matter: the timestamp and every `v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// Unix seconds the sender signed at.
    pub timestamp: i64,
    /// Every `v1` value, still hex encoded, in header order.
    pub v1: Vec<String>,
}

/// Parses a header: comma-separated `key=value` items; the first `t` counts, every `v1` is
/// kept, anything else (other schemes, stray items) is ignored as Stripe's own libraries do.
pub fn parse_header(header: &str) -> Result<SignatureHeader, SignatureError> {
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" if timestamp.is_none() => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            "v1" => v1.push(value.to_string()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if v1.is_empty() {
        return Err(SignatureError::NoV1Signature);
    }
    Ok(SignatureHeader { timestamp, v1 })
}

/// Verifies a delivery: `header` is the `Stripe-Signature` value (None when absent),
/// `payload` the raw body exactly as received, `now` the current unix time.
/// The signature is checked before the timestamp, so a forged request learns nothing
/// about the clock.
pub fn verify(
    header: Option<&str>,
    payload: &[u8],
    secret: &Secret,
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader)?;
    let parsed = parse_header(header)?;

    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(parsed.timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    let matches = parsed.v1.iter().any(|candidate| {
        // A value that is not hex cannot match; the others are compared in constant time.
        hex::decode(candidate).is_ok_and(|tag| mac.clone().verify_slice(&tag).is_ok())
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }

    let age_secs = now - parsed.timestamp;
    if age_secs > TOLERANCE_SECS {
        return Err(SignatureError::TooOld { age_secs });
    }
    if -age_secs > TOLERANCE_SECS {
        return Err(SignatureError::TooNew {
            ahead_secs: -age_secs,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors made with Stripe's Python SDK (16.1.0):
    // `stripe.WebhookSignature.generate_signature_header(PAYLOAD, secret, 1700000000)`.
    const PAYLOAD: &str = r#"{"id":"evt_1","object":"event"}"#;
    const SIGNED_AT: i64 = 1_700_000_000;
    const SECRET: &str = "whsec_unitvector";
    const V1: &str = "5cc2d26182d9dd03c8eb5042bae08e35ec0ff2cb1f3480ce4cf645ecfe42bc87";
    /// The same payload and time signed with `whsec_rotatedold`.
    const V1_OTHER_SECRET: &str =
        "bacd6b22dbeb39bd0b22e03d33a7758a8bc812a950ea00cccd6ab5773d265db9";

    fn check(header: &str, payload: &str, now: i64) -> Result<(), SignatureError> {
        verify(Some(header), payload.as_bytes(), &Secret::new(SECRET), now)
    }

    #[test]
    fn a_valid_signature_is_accepted_within_the_tolerance_either_way() {
        let header = format!("t={SIGNED_AT},v1={V1}");
        assert_eq!(check(&header, PAYLOAD, SIGNED_AT), Ok(()));
        assert_eq!(check(&header, PAYLOAD, SIGNED_AT + 300), Ok(()));
        assert_eq!(check(&header, PAYLOAD, SIGNED_AT - 300), Ok(()));
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_refused() {
        let header = format!("t={SIGNED_AT},v1={V1}");
        assert_eq!(
            check(&header, PAYLOAD, SIGNED_AT + 301),
            Err(SignatureError::TooOld { age_secs: 301 })
        );
        assert_eq!(
            check(&header, PAYLOAD, SIGNED_AT - 301),
            Err(SignatureError::TooNew { ahead_secs: 301 })
        );
    }

    #[test]
    fn any_v1_may_match_and_other_schemes_are_ignored() {
        // During a rotation Stripe sends one v1 per secret; ours may be any of them.
        let rotating = format!("t={SIGNED_AT},v1={V1_OTHER_SECRET},v1={V1}");
        assert_eq!(check(&rotating, PAYLOAD, SIGNED_AT), Ok(()));
        let first = format!("t={SIGNED_AT}, v1={V1} ,v1={V1_OTHER_SECRET},v0=deadbeef");
        assert_eq!(check(&first, PAYLOAD, SIGNED_AT), Ok(()));
        // A v0 that would match is not a v1.
        let only_v0 = format!("t={SIGNED_AT},v0={V1}");
        assert_eq!(
            check(&only_v0, PAYLOAD, SIGNED_AT),
            Err(SignatureError::NoV1Signature)
        );
    }

    #[test]
    fn a_changed_body_or_timestamp_or_secret_does_not_match() {
        let header = format!("t={SIGNED_AT},v1={V1}");
        let tampered = PAYLOAD.replace("evt_1", "evt_2");
        assert_eq!(
            check(&header, &tampered, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
        let moved = format!("t={},v1={V1}", SIGNED_AT + 1);
        assert_eq!(
            check(&moved, PAYLOAD, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
        let other = format!("t={SIGNED_AT},v1={V1_OTHER_SECRET}");
        assert_eq!(
            check(&other, PAYLOAD, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
        let not_hex = format!("t={SIGNED_AT},v1=zz{}", &V1[2..]);
        assert_eq!(
            check(&not_hex, PAYLOAD, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
        let truncated = format!("t={SIGNED_AT},v1={}", &V1[..62]);
        assert_eq!(
            check(&truncated, PAYLOAD, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_stale_forgery_is_reported_as_a_mismatch_not_as_stale() {
        let forged = format!("t={},v1={V1_OTHER_SECRET}", SIGNED_AT - 10_000);
        assert_eq!(
            check(&forged, PAYLOAD, SIGNED_AT),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let none = verify(None, PAYLOAD.as_bytes(), &Secret::new(SECRET), SIGNED_AT);
        assert_eq!(none, Err(SignatureError::MissingHeader));
        assert_eq!(
            check("", PAYLOAD, SIGNED_AT),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            check(&format!("v1={V1}"), PAYLOAD, SIGNED_AT),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            check(&format!("t=soon,v1={V1}"), PAYLOAD, SIGNED_AT),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            check(&format!("t={SIGNED_AT}"), PAYLOAD, SIGNED_AT),
            Err(SignatureError::NoV1Signature)
        );
    }

    #[test]
    fn parsing_keeps_every_v1_in_order_and_the_first_timestamp() {
        let parsed = parse_header("t=12,v1=aa,v0=bb,junk,v1=cc,t=99").unwrap();
        assert_eq!(
            parsed,
            SignatureHeader {
                timestamp: 12,
                v1: vec!["aa".into(), "cc".into()]
            }
        );
    }

    #[test]
    fn messages_say_what_is_wrong_without_any_signature() {
        let header = format!("t={SIGNED_AT},v1={V1_OTHER_SECRET}");
        let message = check(&header, PAYLOAD, SIGNED_AT).unwrap_err().to_string();
        assert!(message.contains("No signature matches"), "{message}");
        assert!(!message.contains(V1) && !message.contains(SECRET));
        let stale = check(&format!("t={SIGNED_AT},v1={V1}"), PAYLOAD, SIGNED_AT + 400).unwrap_err();
        assert_eq!(
            stale.to_string(),
            "The signature is too old (400 s; at most 300 s is accepted)."
        );
    }
}
