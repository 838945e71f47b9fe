//! API keys: Bearer (or Basic, key as user name) auth as Stripe accepts it.
//!
//! Any well-formed secret or restricted key is accepted and opens its own isolated
//! account on first use, so tests can make as many accounts as they like.

use axum::http::HeaderMap;

use crate::errors::ApiError;

/// Shortest key body (after `sk_test_` etc.) Stripe issues; shorter keys are refused.
const MIN_KEY_BODY: usize = 24;

/// A key that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key itself (the account's identity inside the emulator).
    pub key: String,
    /// Whether it is a live key.
    pub livemode: bool,
}

/// Reads and checks the key of a request.
pub fn authenticate(headers: &HeaderMap) -> Result<ApiKey, ApiError> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let key = if let Some(bearer) = header.strip_prefix("Bearer ") {
        bearer.trim().to_string()
    } else if let Some(basic) = header.strip_prefix("Basic ") {
        decode_basic_user(basic.trim()).unwrap_or_default()
    } else {
        String::new()
    };
    if key.is_empty() {
        return Err(ApiError::missing_key());
    }
    let (livemode, body) = if let Some(body) =
        key.strip_prefix("sk_test_").or_else(|| key.strip_prefix("rk_test_"))
    {
        (false, body)
    } else if let Some(body) =
        key.strip_prefix("sk_live_").or_else(|| key.strip_prefix("rk_live_"))
    {
        (true, body)
    } else {
        return Err(ApiError::invalid_key(&key));
    };
    if body.len() < MIN_KEY_BODY || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::invalid_key(&key));
    }
    Ok(ApiKey { key, livemode })
}

/// The user name of a Basic auth header (`base64(key:)`).
fn decode_basic_user(encoded: &str) -> Option<String> {
    let bytes = decode_base64(encoded)?;
    let text = String::from_utf8(bytes).ok()?;
    Some(text.split(':').next().unwrap_or("").to_string())
}

/// Standard base64 decoding (padding optional); `None` on any stray character.
fn decode_base64(input: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in input.bytes().filter(|&c| c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(auth: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_str(auth).unwrap());
        headers
    }

    #[test]
    fn bearer_and_basic_keys_are_accepted() {
        let key = "sk_test_0123456789abcdefghijklmn";
        assert_eq!(authenticate(&headers(&format!("Bearer {key}"))).unwrap().key, key);
        // base64("sk_test_0123456789abcdefghijklmn:")
        let basic = "c2tfdGVzdF8wMTIzNDU2Nzg5YWJjZGVmZ2hpamtsbW46";
        assert_eq!(authenticate(&headers(&format!("Basic {basic}"))).unwrap().key, key);
        let live = format!("Bearer rk_live_{}", "0123456789abcdefghijklmn");
        assert!(authenticate(&headers(&live)).unwrap().livemode);
    }

    #[test]
    fn missing_and_malformed_keys_are_refused() {
        assert_eq!(authenticate(&HeaderMap::new()).unwrap_err().message, ApiError::missing_key().message);
        for bad in ["Bearer pk_test_0123456789abcdefghijklmn", "Bearer sk_test_short", "Token sk_test_x"] {
            let err = authenticate(&headers(bad)).unwrap_err();
            assert_eq!(err.status, 401, "{bad}");
        }
        let err = authenticate(&headers("Bearer sk_test_short")).unwrap_err();
        assert_eq!(err.message, "Invalid API Key provided: sk_test_********hort");
    }
}
