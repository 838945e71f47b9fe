//! The one error type of `billfold-core` and its stable, UI-facing codes.

use serde::Serialize;
use ts_rs::TS;

/// Stable error codes the UI can branch on. Renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was refused; nothing was saved.
    Validation,
    /// The thing asked for does not exist (any more).
    NotFound,
    /// The input clashes with existing data (e.g. a duplicate).
    Conflict,
    /// What was confirmed (a dry run) no longer matches what would be done.
    PlanChanged,
    /// Stripe refused the API key.
    StripeAuth,
    /// Stripe (or the configured API base) could not be reached.
    StripeUnreachable,
    /// Stripe answered 429: too many requests.
    StripeRateLimited,
    /// Stripe declined a card (HTTP 402).
    StripeCardError,
    /// Any other error answer from Stripe.
    StripeError,
    /// No OS keychain could be reached.
    KeychainUnavailable,
    /// The OS keychain is there but locked or refuses access.
    KeychainLocked,
    /// The local database failed.
    Store,
    /// The database was written by a newer Billfold.
    StoreNewerVersion,
    /// A bug: something that should not happen.
    Internal,
}

/// What crosses IPC when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorPayload {
    /// Stable code for the UI to branch on.
    pub code: ErrorCode,
    /// A sentence a finance person can read.
    pub message: String,
}

/// Errors of every Billfold operation. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused; the message says what to fix.
    #[error("{0}")]
    Validation(String),
    /// Something asked for is missing.
    #[error("{0}")]
    NotFound(String),
    /// Clashes with existing data.
    #[error("{0}")]
    Conflict(String),
    /// The dry run the user confirmed is no longer what applying would do.
    #[error("{0}")]
    PlanChanged(String),
    /// Stripe rejected the key.
    #[error("Stripe rejected the API key: {0}")]
    StripeAuth(String),
    /// The API base could not be reached.
    #[error("Could not reach Stripe at {base}: {reason}")]
    StripeUnreachable {
        /// The API base URL that was tried.
        base: String,
        /// Why, in plain words.
        reason: String,
    },
    /// Stripe answered 429.
    #[error("Stripe is rate limiting requests; try again in a moment.")]
    StripeRateLimited,
    /// Stripe declined a card (HTTP 402); the message is Stripe's.
    #[error("The card was declined: {0}")]
    StripeCard(String),
    /// Another Stripe error answer.
    #[error("Stripe answered with an error (HTTP {status}): {message}")]
    Stripe {
        /// HTTP status.
        status: u16,
        /// Stripe's machine-readable `error.code` (e.g. `resource_missing`), when given.
        code: Option<String>,
        /// Stripe's own message.
        message: String,
    },
    /// Stripe's answer could not be read as the object asked for.
    #[error("Stripe's answer could not be read: {0}")]
    StripeResponse(String),
    /// No keychain at all.
    #[error("The system keychain is not available: {0}")]
    KeychainUnavailable(String),
    /// Keychain locked or access refused.
    #[error("The system keychain is locked or refused access: {0}")]
    KeychainLocked(String),
    /// SQLite failed.
    #[error("Local database error: {0}")]
    Store(String),
    /// The database file comes from a newer Billfold.
    #[error("This database was written by a newer version of Billfold (schema {found}, this version knows up to {known}). Update Billfold to open it.")]
    StoreNewerVersion {
        /// Schema version found in the file.
        found: i64,
        /// Newest schema version this build knows.
        known: i64,
    },
    /// A bug.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::PlanChanged(_) => ErrorCode::PlanChanged,
            Error::StripeAuth(_) => ErrorCode::StripeAuth,
            Error::StripeUnreachable { .. } => ErrorCode::StripeUnreachable,
            Error::StripeRateLimited => ErrorCode::StripeRateLimited,
            Error::StripeCard(_) => ErrorCode::StripeCardError,
            Error::Stripe { .. } | Error::StripeResponse(_) => ErrorCode::StripeError,
            Error::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Error::KeychainLocked(_) => ErrorCode::KeychainLocked,
            Error::Store(_) => ErrorCode::Store,
            Error::StoreNewerVersion { .. } => ErrorCode::StoreNewerVersion,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The `{code, message}` form sent to the UI.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload { code: self.code(), message: self.to_string() }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::Store(err.to_string())
    }
}

impl stripe_client_core::StripeClientErr for Error {
    fn deserialize_err(msg: impl std::fmt::Display) -> Self {
        Error::StripeResponse(msg.to_string())
    }
}

/// Result alias for `billfold-core`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_the_stable_code_and_a_readable_message() {
        let err = Error::StoreNewerVersion { found: 9, known: 1 };
        let payload = err.payload();
        assert_eq!(payload.code, ErrorCode::StoreNewerVersion);
        assert!(payload.message.contains("newer version of Billfold"));
        let json = serde_json::to_value(&payload).unwrap();
        assert_eq!(json["code"], "store_newer_version");
    }
}
