//! A customer's payment methods, fetched when the customer is opened. Stripe lists them only
//! per customer, so a backfill does not list them (that would be a request per customer): it
//! keeps the default one its customer list carries expanded. Events keep both fresh.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::list_customer_children;
use crate::customers::check_customer_id;
use crate::error::{Error, Result};
use crate::service::Billfold;
use crate::store::cache::kinds;

/// A customer's payment method as a customer view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentMethodRow {
    /// Stripe's id (`pm_…`).
    pub id: String,
    /// Stripe's `type`: `card`, `sepa_debit`, …
    pub method_type: String,
    /// The card brand (`visa`), for cards.
    pub brand: Option<String>,
    /// The last four digits, for cards.
    pub last4: Option<String>,
    /// Expiry month, for cards.
    pub exp_month: Option<i64>,
    /// Expiry year, for cards.
    pub exp_year: Option<i64>,
    /// Whether it is the customer's default for invoices.
    pub is_default: bool,
    /// When it was created (Unix seconds).
    pub created: i64,
}

impl PaymentMethodRow {
    fn from_stripe(method: &Value, default: Option<&str>) -> Self {
        let card = &method["card"];
        let id = method["id"].as_str().unwrap_or_default().to_string();
        PaymentMethodRow {
            is_default: default == Some(id.as_str()),
            id,
            method_type: method["type"].as_str().unwrap_or_default().to_string(),
            brand: card["brand"].as_str().map(str::to_string),
            last4: card["last4"].as_str().map(str::to_string),
            exp_month: card["exp_month"].as_i64(),
            exp_year: card["exp_year"].as_i64(),
            created: method["created"].as_i64().unwrap_or_default(),
        }
    }
}

impl Billfold {
    /// Fetches every payment method of a customer from Stripe (all pages, through the
    /// account's gateway), stores them and drops the customer's cached ones Stripe no longer
    /// lists, in one cache transaction. For a customer view being opened. Newest first.
    pub async fn refresh_customer_payment_methods(
        &self,
        account_id: &str,
        customer_id: &str,
    ) -> Result<Vec<PaymentMethodRow>> {
        check_customer_id(customer_id)?;
        self.store().get_account(account_id)?;
        let gateway = self.gateway(account_id).await?;
        let path = format!("/v1/customers/{customer_id}/payment_methods");
        let methods = list_customer_children(&gateway, &path, customer_id).await?;
        let kind = kinds::by_resource("payment_methods")
            .ok_or_else(|| Error::Internal("payment methods are not cached".into()))?;
        let (default, changed) = self.store().cache_write(account_id, |tx| {
            let version = tx.newest_version()?;
            tx.replace_parent_list(kind, customer_id, &methods, version)?;
            let default: Option<String> = tx
                .tx()
                .query_row(
                    "SELECT json_extract(raw, '$.invoice_settings.default_payment_method')
                     FROM cache_customers WHERE account_id = ?1 AND id = ?2",
                    [account_id, customer_id],
                    |row| row.get(0),
                )
                .optional()?
                .flatten();
            Ok(default)
        })?;
        self.notify_changed(account_id, changed);
        Ok(methods
            .iter()
            .map(|method| PaymentMethodRow::from_stripe(method, default.as_deref()))
            .collect())
    }
}
