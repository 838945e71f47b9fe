//! Secrets: a redacting [`Secret`] wrapper and the OS keychain that is their only home.
//!
//! Entries live under service `billfold`, user `<account-id>:secret-key` or
//! `<account-id>:webhook-secret`. Keychain calls block, so async callers use
//! `spawn_blocking` (see [`crate::Billfold`]).

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::error::{Error, Result};

/// Keychain service name for every Billfold entry.
pub const SERVICE: &str = "billfold";

/// Prefixes of Stripe secrets that are safe to show; the rest of the value is not.
const KNOWN_PREFIXES: [&str; 5] = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_"];

/// A secret string (API key, webhook secret) that never prints itself. It can be read from
/// IPC input but has no `Serialize`, so it can never be sent back out.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for the few places that must send it (HTTP auth, the keychain).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form shown in the UI: the prefix, an ellipsis and the last four characters,
    /// e.g. `sk_test_…4f2a`.
    pub fn masked(&self) -> String {
        let value = &self.0;
        let prefix_len = KNOWN_PREFIXES
            .iter()
            .find(|prefix| value.starts_with(*prefix))
            .map_or(0, |prefix| prefix.len());
        let chars: Vec<char> = value.chars().collect();
        let tail: String = if chars.len() >= prefix_len + 8 {
            chars[chars.len() - 4..].iter().collect()
        } else {
            String::new()
        };
        format!("{}…{}", &value[..prefix_len], tail)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Which secret of an account an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// The Stripe secret or restricted API key.
    ApiKey,
    /// The webhook endpoint signing secret (`whsec_…`).
    WebhookSecret,
}

impl SecretKind {
    fn suffix(self) -> &'static str {
        match self {
            SecretKind::ApiKey => "secret-key",
            SecretKind::WebhookSecret => "webhook-secret",
        }
    }
}

/// The keychain user name for one secret of one account.
pub fn entry_user(account_id: &str, kind: SecretKind) -> String {
    format!("{account_id}:{}", kind.suffix())
}

/// The OS keychain, or any keyring-core store (a mock one in unit tests).
#[derive(Clone)]
pub struct Keychain {
    store: Option<Arc<CredentialStore>>,
}

impl fmt::Debug for Keychain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keychain").field("available", &self.store.is_some()).finish()
    }
}

impl Keychain {
    /// A keychain on the given store.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Keychain { store: Some(store) }
    }

    /// A keychain that could not be opened: every call fails with `keychain_unavailable`,
    /// so the app still starts and says what is wrong.
    pub fn unavailable() -> Self {
        Keychain { store: None }
    }

    /// The platform's keychain: Secret Service on Linux, Keychain on macOS, Credential
    /// Manager on Windows. Fails with `keychain_unavailable` when none answers.
    pub fn platform() -> Result<Self> {
        #[cfg(target_os = "linux")]
        let store = zbus_secret_service_keyring_store::Store::new();
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new();
        #[cfg(target_os = "windows")]
        let store = windows_native_keyring_store::Store::new();
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        let store: Result<Arc<CredentialStore>> =
            Err(Error::KeychainUnavailable("no keychain store is built for this platform".into()));
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
        let store = store.map_err(map_keyring_error);
        Ok(Keychain::with_store(store?))
    }

    fn entry(&self, account_id: &str, kind: SecretKind) -> Result<Entry> {
        let store = self.store.as_ref().ok_or_else(|| {
            Error::KeychainUnavailable("no Secret Service or system keychain is running".into())
        })?;
        store
            .build(SERVICE, &entry_user(account_id, kind), None)
            .map_err(map_keyring_error)
    }

    /// Stores a secret, replacing any earlier one.
    pub fn set(&self, account_id: &str, kind: SecretKind, secret: &Secret) -> Result<()> {
        self.entry(account_id, kind)?
            .set_password(secret.expose())
            .map_err(map_keyring_error)
    }

    /// Reads a secret; `Ok(None)` when there is none.
    pub fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<Secret>> {
        match self.entry(account_id, kind)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_keyring_error(err)),
        }
    }

    /// Deletes a secret; deleting one that is not there is fine.
    pub fn delete(&self, account_id: &str, kind: SecretKind) -> Result<()> {
        match self.entry(account_id, kind)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_keyring_error(err)),
        }
    }
}

/// Maps keyring errors to Billfold's codes. Platform errors never carry secret values.
fn map_keyring_error(err: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match err {
        K::NoStorageAccess(inner) => Error::KeychainLocked(inner.to_string()),
        K::NoDefaultStore => Error::KeychainUnavailable("no keychain store is configured".into()),
        K::PlatformFailure(inner) => Error::KeychainUnavailable(inner.to_string()),
        K::NoEntry => Error::NotFound("The keychain has no such entry.".into()),
        K::BadEncoding(_) | K::BadDataFormat(..) => {
            Error::Internal("a keychain entry is not readable text".into())
        }
        other => Error::KeychainUnavailable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_redacts_itself_in_debug_and_display() {
        let secret = Secret::new("sk_test_51Habcdefghijklmnop4f2a");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert!(!format!("{:?}", Some(&secret)).contains("abcdef"));
    }

    #[test]
    fn masked_form_shows_prefix_and_last_four_only() {
        assert_eq!(Secret::new("sk_test_51Habcdefghijklmnop4f2a").masked(), "sk_test_…4f2a");
        assert_eq!(Secret::new(format!("rk_live_{}", "0123456789abcdef")).masked(), "rk_live_…cdef");
        assert_eq!(Secret::new("whsec_0123456789abcdefXYZW").masked(), "whsec_…XYZW");
        // Too short to show a tail without giving most of it away.
        assert_eq!(Secret::new("sk_test_abc").masked(), "sk_test_…");
    }

    #[test]
    fn keychain_round_trip_on_the_mock_store() {
        let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
        let secret = Secret::new("sk_test_mockmockmockmock");
        assert_eq!(keychain.get("acct1", SecretKind::ApiKey).unwrap(), None);
        keychain.set("acct1", SecretKind::ApiKey, &secret).unwrap();
        assert_eq!(keychain.get("acct1", SecretKind::ApiKey).unwrap(), Some(secret));
        keychain.delete("acct1", SecretKind::ApiKey).unwrap();
        keychain.delete("acct1", SecretKind::ApiKey).unwrap();
        assert_eq!(keychain.get("acct1", SecretKind::ApiKey).unwrap(), None);
    }

    #[test]
    fn an_unavailable_keychain_gives_a_clear_error() {
        let err = Keychain::unavailable()
            .set("a", SecretKind::ApiKey, &Secret::new("sk_test_x"))
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::KeychainUnavailable);
    }
}
