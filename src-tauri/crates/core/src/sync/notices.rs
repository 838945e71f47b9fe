//! Desktop notices about payments: what a sync pass (or a webhook) newly applied that someone
//! should hear about at once: a failed payment (`invoice.payment_failed`), a subscription
//! that turned `past_due` (`customer.subscription.updated` whose `previous_attributes.status`
//! was something else) and a dispute opened (`charge.dispute.created`; its deadline reminder
//! is in `disputes::notices`). Core decides what to say; the shell shows it (see
//! [`SyncObserver::notices`](super::SyncObserver::notices)).
//!
//! Never about the past: nothing during a backfill (the first sync, or after the event cursor
//! aged out), nothing before the account's first successful sync, and nothing about an event
//! created before the newest event the account had already seen (in Stripe's clock, so a
//! skewed local clock does not matter). Each account has a switch, on by default: the rule
//! above keeps it to new failures, which are what a billing console is for.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::SyncObserver;
use crate::error::{Error, Result};
use crate::money::{format_amount, Currency};
use crate::service::Billfold;
use crate::store::cache::kinds::id_of;
use crate::store::Store;

/// One desktop notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Notice {
    /// The account the event belongs to.
    pub account_id: String,
    /// The Stripe event it is about (`evt_…`); for a dispute's deadline reminder, the
    /// dispute (`dp_…`).
    pub event_id: String,
    /// `Payment failed — Acme Ltd`.
    pub title: String,
    /// `€1,200.00, invoice INV-0042 (EuroRust)`.
    pub body: String,
}

/// An account's notification switches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NotificationSettings {
    /// Show a desktop notification when a payment fails or a subscription turns past due.
    pub payment_failures: bool,
    /// Show one when a dispute opens and one a day before its evidence is due. Settings saved
    /// before disputes had a switch read as on.
    #[serde(default = "switched_on")]
    pub disputes: bool,
}

fn switched_on() -> bool {
    true
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings { payment_failures: true, disputes: true }
    }
}

impl NotificationSettings {
    /// Whether the switch that covers an event's type is on.
    fn covers(&self, event: &Value) -> bool {
        match event["type"].as_str() {
            Some("charge.dispute.created") => self.disputes,
            _ => self.payment_failures,
        }
    }
}

fn setting_key(account_id: &str) -> String {
    format!("notifications.{account_id}")
}

/// Whether an event may become a notice (kept while a pass runs; the rest is not).
pub(crate) fn concerns(event: &Value) -> bool {
    matches!(event["type"].as_str(), Some("invoice.payment_failed" | "customer.subscription.updated" | "charge.dispute.created"))
}

/// `€1,200.00`; currencies without a common sign keep their code (`CHF 1,200.00`).
fn money(minor: i64, currency: &str) -> String {
    let Ok(parsed) = Currency::parse(currency) else {
        return format!("{minor} {}", currency.to_uppercase());
    };
    let amount = format_amount(minor, &parsed);
    match parsed.code() {
        "eur" => format!("€{amount}"),
        "usd" => format!("${amount}"),
        "gbp" => format!("£{amount}"),
        "jpy" => format!("¥{amount}"),
        code => format!("{} {amount}", code.to_uppercase()),
    }
}

/// The notices about `events` (newly applied, oldest first) created at `since` or later.
/// `customer_name` finds a cached customer's name by id; `account_name` ends each body, as
/// notices of several accounts look alike otherwise.
pub fn notices_for(
    account_id: &str,
    account_name: &str,
    events: &[Value],
    since: i64,
    customer_name: impl Fn(&str) -> Option<String>,
) -> Vec<Notice> {
    events
        .iter()
        .filter(|event| event["created"].as_i64().is_some_and(|created| created >= since))
        .filter_map(|event| {
            let object = &event["data"]["object"];
            let customer = || {
                object["customer_name"]
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| id_of(&object["customer"]).and_then(&customer_name))
                    .or_else(|| id_of(&object["customer"]).map(str::to_string))
                    .unwrap_or_else(|| "a customer".into())
            };
            let (title, body) = match event["type"].as_str()? {
                "invoice.payment_failed" => {
                    let owed = object["amount_remaining"].as_i64().or(object["amount_due"].as_i64()).unwrap_or(0);
                    let amount = money(owed, object["currency"].as_str().unwrap_or_default());
                    let invoice = object["number"].as_str().or(object["id"].as_str()).unwrap_or("?");
                    (format!("Payment failed — {}", customer()), format!("{amount}, invoice {invoice} ({account_name})"))
                }
                "customer.subscription.updated" => {
                    let was = event["data"]["previous_attributes"]["status"].as_str()?;
                    if object["status"] != "past_due" || was == "past_due" {
                        return None;
                    }
                    let id = object["id"].as_str().unwrap_or("?");
                    (format!("Subscription past due — {}", customer()), format!("{id} is past due ({account_name})"))
                }
                "charge.dispute.created" => {
                    let amount = money(object["amount"].as_i64().unwrap_or(0), object["currency"].as_str().unwrap_or_default());
                    let reason = object["reason"].as_str().unwrap_or("general").replace('_', " ");
                    let charge = object["charge"].as_str().unwrap_or("?");
                    (format!("Dispute opened — {amount}"), format!("{reason}, charge {charge} ({account_name})"))
                }
                _ => return None,
            };
            Some(Notice { account_id: account_id.to_string(), event_id: event["id"].as_str()?.to_string(), title, body })
        })
        .collect()
}

impl Store {
    /// The account's notification switch (on unless turned off).
    pub fn notification_settings(&self, account_id: &str) -> Result<NotificationSettings> {
        Ok(self
            .setting(&setting_key(account_id))?
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default())
    }

    /// Saves the account's notification switch.
    pub fn set_notification_settings(&self, account_id: &str, settings: &NotificationSettings) -> Result<()> {
        let raw = serde_json::to_string(settings).map_err(|err| Error::Internal(err.to_string()))?;
        self.set_setting(&setting_key(account_id), &raw)
    }

    /// From when events of the account may become notices: `None` while it has never synced
    /// successfully, else the `created` of the newest event it has seen (0 for none).
    pub(crate) fn notices_since(&self, account_id: &str) -> Result<Option<i64>> {
        if self.sync_status(account_id)?.last_success_at.is_none() {
            return Ok(None);
        }
        let conn = self.read_conn()?;
        let newest: Option<i64> = conn
            .query_row("SELECT max(created) FROM cache_events WHERE account_id = ?1", params![account_id], |row| {
                row.get(0)
            })
            .optional()?
            .flatten();
        Ok(Some(newest.unwrap_or(0)))
    }

    /// Tells `observer` the notices about `events` created at `since` or later, when the
    /// account's switch is on. A failure to read names or settings is logged: a notice is never
    /// worth failing a sync over.
    pub(crate) fn tell_notices(&self, observer: &dyn SyncObserver, account_id: &str, since: i64, events: &[Value]) {
        if events.is_empty() {
            return;
        }
        let notices = match self.notification_settings(account_id) {
            Ok(settings) => {
                let covered: Vec<Value> = events.iter().filter(|event| settings.covers(event)).cloned().collect();
                if covered.is_empty() {
                    return;
                }
                self.notices_of(account_id, since, &covered)
            }
            Err(err) => Err(err),
        };
        match notices {
            Ok(notices) if !notices.is_empty() => observer.notices(&notices),
            Ok(_) => {}
            Err(err) => tracing::warn!(account = %account_id, %err, "could not prepare notifications"),
        }
    }

    fn notices_of(&self, account_id: &str, since: i64, events: &[Value]) -> Result<Vec<Notice>> {
        let account = self.get_account(account_id)?;
        let conn = self.read_conn()?;
        let name = |customer: &str| -> Option<String> {
            conn.query_row(
                "SELECT name FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, customer],
                |row| row.get(0),
            )
            .ok()
            .flatten()
        };
        Ok(notices_for(account_id, &account.name, events, since, name))
    }
}

impl Billfold {
    /// The account's notification switch.
    pub fn notification_settings(&self, account_id: &str) -> Result<NotificationSettings> {
        self.store().get_account(account_id)?;
        self.store().notification_settings(account_id)
    }

    /// Saves the account's notification switch and answers it as saved.
    pub fn set_notification_settings(&self, account_id: &str, settings: &NotificationSettings) -> Result<NotificationSettings> {
        self.store().get_account(account_id)?;
        self.store().set_notification_settings(account_id, settings)?;
        self.store().notification_settings(account_id)
    }
}

#[cfg(test)]
#[path = "notices_tests.rs"]
mod tests;
