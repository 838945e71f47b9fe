//! The Stripe gateway. For now: one client per account and the key check made when an
//! account is added. Rate limiting, retries and the operations journal build on this.

use std::time::Duration;

use stripe::{Client, ClientBuilder, StripeError};
use stripe_core::balance::RetrieveForMyAccountBalance;

use crate::error::{Error, Result};
use crate::secrets::Secret;

/// How long one HTTP attempt may take before it counts as unreachable.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

/// A Stripe client for one account's key and API base (which ends in `/`).
pub fn client(api_base: &str, key: &Secret) -> Result<Client> {
    ClientBuilder::new(key.expose())
        .url(api_base)
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .map_err(|err| Error::Validation(format!("The API base cannot be used: {err}")))
}

/// Checks a key with one real API call (`GET /v1/balance`, which every secret and most
/// restricted keys may read) and tells invalid key, unreachable and rate limited apart.
pub async fn verify_key(api_base: &str, key: &Secret) -> Result<()> {
    let client = client(api_base, key)?;
    match RetrieveForMyAccountBalance::new().send(&client).await {
        Ok(_) => Ok(()),
        Err(err) => Err(map_stripe_error(api_base, err)),
    }
}

/// Turns an async-stripe error into Billfold's codes with a readable message.
pub fn map_stripe_error(api_base: &str, err: StripeError) -> Error {
    match err {
        StripeError::Stripe(api, status) => {
            let message = api.message.clone().unwrap_or_else(|| "no message".into());
            match status {
                401 => Error::StripeAuth(message),
                402 => Error::StripeCard(message),
                429 => Error::StripeRateLimited,
                _ => Error::Stripe { status, code: api.code.map(|c| c.as_str().to_string()), message },
            }
        }
        StripeError::Timeout => Error::StripeUnreachable {
            base: api_base.to_string(),
            reason: "no answer in time".into(),
        },
        StripeError::ClientError(reason) => {
            Error::StripeUnreachable { base: api_base.to_string(), reason }
        }
        StripeError::JSONDeserialize(_) => Error::StripeUnreachable {
            base: api_base.to_string(),
            reason: "the server there does not answer like Stripe".into(),
        },
        StripeError::ConfigError(reason) => {
            Error::Validation(format!("The API base cannot be used: {reason}"))
        }
    }
}
