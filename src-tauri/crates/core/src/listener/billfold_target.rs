//! The real [`WebhookTarget`]: secrets from the keychain by account slug, events into the
//! same apply path as polling.

use async_trait::async_trait;

use super::WebhookTarget;
use crate::error::{Error, Result};
use crate::secrets::{Secret, SecretKind};
use crate::Billfold;

#[async_trait]
impl WebhookTarget for Billfold {
    async fn signing_secret(&self, slug: &str) -> Result<Option<(String, Secret)>> {
        let Some(account_id) = self.store().account_id_by_slug(slug)? else {
            return Ok(None);
        };
        let keychain = self.keychain().clone();
        let id = account_id.clone();
        let secret = tokio::task::spawn_blocking(move || keychain.get(&id, SecretKind::WebhookSecret))
            .await
            .map_err(|err| Error::Internal(format!("a background task failed: {err}")))??;
        Ok(secret.map(|secret| (account_id, secret)))
    }

    async fn accept_event(&self, account_id: &str, event: serde_json::Value) -> Result<bool> {
        self.apply_webhook_event(account_id, event).await
    }
}
