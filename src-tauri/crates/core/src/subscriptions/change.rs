//! Changing a subscription's prices and quantities. The preview (`POST
//! /v1/invoices/create_preview`, nothing recorded) and the update (one journaled
//! `update_subscription`) send the same form, built by one function, with the same
//! `proration_date`: what was previewed is what is billed.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::validate;
use super::{ChangeLine, ChangePreview, SubscriptionChangeInput, SubscriptionDetail};
use crate::error::{Error, Result};
use crate::journal::{self, OperationKind, SubscriptionWrite};
use crate::service::Billfold;
use crate::store::cache::kinds::id_of;

/// What a change asks of a charge that fails: the update stands and its invoice stays open
/// (the subscription turns `past_due`), as for any renewal whose payment failed.
const PAYMENT_BEHAVIOR: &str = "allow_incomplete";

/// The change's fields as `POST /v1/subscriptions/{id}` takes them: `items[n][…]`,
/// `proration_behavior` and `proration_date`. The preview sends the same fields under
/// `subscription_details[…]`.
fn change_form(input: &SubscriptionChangeInput) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (index, item) in input.items.iter().enumerate() {
        if let Some(item_id) = &item.item_id {
            form.push((format!("items[{index}][id]"), item_id.clone()));
        }
        if item.deleted {
            form.push((format!("items[{index}][deleted]"), "true".into()));
            continue;
        }
        if let Some(price_id) = &item.price_id {
            form.push((format!("items[{index}][price]"), price_id.clone()));
        }
        if let Some(quantity) = item.quantity {
            form.push((format!("items[{index}][quantity]"), quantity.to_string()));
        }
    }
    form.push(("proration_behavior".into(), input.proration.as_str().into()));
    form.push(("proration_date".into(), input.proration_date.to_string()));
    form
}

/// `items[0][id]` as a preview's `subscription_details[items][0][id]`.
fn under_details(name: &str) -> String {
    match name.split_once('[') {
        Some((head, rest)) => format!("subscription_details[{head}][{rest}"),
        None => format!("subscription_details[{name}]"),
    }
}

/// The form of the preview of `input` on `subscription_id`.
fn preview_form(subscription_id: &str, input: &SubscriptionChangeInput) -> Vec<(String, String)> {
    let mut form = vec![("subscription".to_string(), subscription_id.to_string())];
    form.extend(change_form(input).into_iter().map(|(name, value)| (under_details(&name), value)));
    form
}

/// The form of the update carrying out `input`.
fn update_form(input: &SubscriptionChangeInput) -> Vec<(String, String)> {
    let mut form = change_form(input);
    form.push(("payment_behavior".into(), PAYMENT_BEHAVIOR.into()));
    form
}

/// Whether an invoice line is a proration (Stripe names it on the line's parent).
fn is_proration(line: &Value) -> bool {
    let parent = &line["parent"];
    [
        &parent["invoice_item_details"]["proration"],
        &parent["subscription_item_details"]["proration"],
        &line["proration"],
    ]
    .into_iter()
    .any(|flag| *flag == true)
}

/// The preview of a change from Stripe's previewed invoice. `renewal_total` is the next
/// renewal at the new prices, used when the previewed invoice is the one issued at once.
fn preview_of(invoice: &Value, input: &SubscriptionChangeInput, renewal_total: i64) -> ChangePreview {
    let lines: Vec<ChangeLine> = invoice["lines"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| ChangeLine {
            description: line["description"].as_str().map(str::to_string),
            amount: line["amount"].as_i64().unwrap_or(0),
            quantity: line["quantity"].as_i64(),
            period_start: line["period"]["start"].as_i64(),
            period_end: line["period"]["end"].as_i64(),
            proration: is_proration(line),
        })
        .collect();
    let proration_total = lines.iter().filter(|line| line.proration).map(|line| line.amount).sum();
    // An update that bills at once (`always_invoice` with something to prorate, or a change
    // of interval, which restarts the billing cycle) is previewed as the invoice it issues;
    // any other as the next renewal.
    let issued_now = invoice["billing_reason"] == "subscription_update";
    let (due_now, next_invoice_total) = if issued_now {
        (invoice["amount_due"].as_i64().unwrap_or(0), renewal_total)
    } else {
        (0, invoice["total"].as_i64().unwrap_or(0))
    };
    ChangePreview {
        proration_date: input.proration_date,
        currency: invoice["currency"].as_str().unwrap_or_default().to_string(),
        lines,
        due_now,
        next_invoice_total,
        proration_total,
    }
}

impl Billfold {
    /// The cached unit amount of `price_id` (0 for a tiered price, which has none).
    fn cached_unit_amount(&self, account_id: &str, price_id: &str) -> Result<i64> {
        let conn = self.store().read_conn()?;
        let amount: Option<Option<i64>> = conn
            .query_row(
                "SELECT unit_amount FROM cache_prices WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, price_id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(amount.flatten().unwrap_or(0))
    }

    /// The subscription's renewal after `input`, from the cached prices: the sum of each item
    /// left's unit amount times its quantity (before discounts and tax).
    fn renewal_after(
        &self,
        account_id: &str,
        detail: &SubscriptionDetail,
        input: &SubscriptionChangeInput,
    ) -> Result<i64> {
        let mut total = 0;
        for current in &detail.items {
            let change = input.items.iter().find(|item| item.item_id.as_deref() == Some(current.id.as_str()));
            if change.is_some_and(|change| change.deleted) {
                continue;
            }
            let quantity = change.and_then(|change| change.quantity).unwrap_or(current.quantity);
            let unit = match change.and_then(|change| change.price_id.as_deref()) {
                Some(price_id) => self.cached_unit_amount(account_id, price_id)?,
                None => current.unit_amount.unwrap_or(0),
            };
            total += unit * quantity;
        }
        for added in input.items.iter().filter(|item| item.item_id.is_none()) {
            let unit = match added.price_id.as_deref() {
                Some(price_id) => self.cached_unit_amount(account_id, price_id)?,
                None => 0,
            };
            total += unit * added.quantity.unwrap_or(1);
        }
        Ok(total)
    }

    /// What changing the subscription as `input` says would bill (`POST
    /// /v1/invoices/create_preview` with the change's own form). A preview creates nothing, so
    /// it is not journaled. Bad input is refused before anything is sent.
    pub async fn preview_subscription_change(
        &self,
        account_id: &str,
        subscription_id: &str,
        input: SubscriptionChangeInput,
    ) -> Result<ChangePreview> {
        let detail = self.subscription_detail(account_id, subscription_id)?;
        validate::change(self.store(), account_id, &detail, &input)?;
        let renewal_total = self.renewal_after(account_id, &detail, &input)?;
        let gateway = self.gateway(account_id).await?;
        let invoice =
            gateway.post_form("/v1/invoices/create_preview", &preview_form(subscription_id, &input), None).await?;
        Ok(preview_of(&invoice, &input, renewal_total))
    }

    /// Changes the subscription's prices and quantities as `input` says: checked, then one
    /// journaled `update_subscription` (sent exactly once). The invoice the change issued,
    /// if any, is fetched into the cache at once, so the returned detail shows it.
    pub async fn change_subscription(
        &self,
        account_id: &str,
        subscription_id: &str,
        input: SubscriptionChangeInput,
    ) -> Result<SubscriptionDetail> {
        let detail = self.subscription_detail(account_id, subscription_id)?;
        validate::change(self.store(), account_id, &detail, &input)?;
        let latest_before = latest_invoice_of(&detail.raw_json);
        let write = SubscriptionWrite { subscription_id: subscription_id.to_string(), form: update_form(&input) };
        let write = serde_json::to_value(write).map_err(|err| Error::Internal(err.to_string()))?;
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, OperationKind::UpdateSubscription, write)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["subscriptions"]);
        let answer = outcome?;
        if let Some(invoice_id) = id_of(&answer["latest_invoice"]).filter(|id| Some(*id) != latest_before.as_deref()) {
            // A read creates nothing, so it is not part of the operation; should it fail, the
            // next sync brings the invoice instead.
            let path = format!("/v1/invoices/{invoice_id}");
            match gateway.get_json(&path, &[]).await {
                Ok(invoice) => {
                    crate::invoices::apply_invoice(self.store(), account_id, &invoice)?;
                    self.notify_changed(account_id, ["invoices"]);
                }
                Err(err) => tracing::warn!(%err, "the invoice of a subscription change could not be fetched"),
            }
        }
        self.store().subscription_detail(account_id, subscription_id)
    }
}

/// The id of a cached subscription's latest invoice.
fn latest_invoice_of(raw_json: &str) -> Option<String> {
    let subscription: Value = serde_json::from_str(raw_json).ok()?;
    id_of(&subscription["latest_invoice"]).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscriptions::{ItemChange, ProrationChoice};
    use serde_json::json;

    fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
        form.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
    }

    fn input(proration: ProrationChoice) -> SubscriptionChangeInput {
        SubscriptionChangeInput {
            items: vec![
                ItemChange {
                    item_id: Some("si_1".into()),
                    price_id: Some("price_pro".into()),
                    quantity: Some(3),
                    deleted: false,
                },
                ItemChange { item_id: Some("si_2".into()), price_id: None, quantity: None, deleted: true },
                ItemChange { item_id: None, price_id: Some("price_seat".into()), quantity: None, deleted: false },
            ],
            proration,
            proration_date: 1_800_000_000,
        }
    }

    #[test]
    fn the_preview_and_the_update_send_the_same_change() {
        let change = input(ProrationChoice::AlwaysInvoice);
        let update = update_form(&change);
        assert_eq!(
            pairs(&update),
            vec![
                ("items[0][id]", "si_1"),
                ("items[0][price]", "price_pro"),
                ("items[0][quantity]", "3"),
                ("items[1][id]", "si_2"),
                ("items[1][deleted]", "true"),
                ("items[2][price]", "price_seat"),
                ("proration_behavior", "always_invoice"),
                ("proration_date", "1800000000"),
                ("payment_behavior", "allow_incomplete"),
            ]
        );
        let preview = preview_form("sub_1", &change);
        assert_eq!(preview[0], ("subscription".to_string(), "sub_1".to_string()));
        assert_eq!(preview[1].0, "subscription_details[items][0][id]");
        assert_eq!(preview[7].0, "subscription_details[proration_behavior]");
        // Every field of the preview is the update's, under `subscription_details`.
        let shared: Vec<(String, String)> = update
            .iter()
            .filter(|(name, _)| name != "payment_behavior")
            .map(|(n, v)| (under_details(n), v.clone()))
            .collect();
        assert_eq!(preview[1..], shared[..]);
    }

    fn invoice(reason: &str) -> Value {
        json!({
            "currency": "eur", "billing_reason": reason, "total": 1200, "amount_due": 1000,
            "lines": {"data": [
                {"description": "Unused time", "amount": -500, "quantity": 1, "period": {"start": 1, "end": 2},
                 "parent": {"invoice_item_details": {"proration": true}}},
                {"description": "Remaining time", "amount": 1000, "quantity": 1, "period": {"start": 1, "end": 2},
                 "parent": {"invoice_item_details": {"proration": true}}},
                {"description": "1 × Pro", "amount": 700, "quantity": 1, "period": {"start": 2, "end": 3},
                 "parent": {"subscription_item_details": {"proration": false}}},
            ]},
        })
    }

    #[test]
    fn an_invoice_issued_at_once_is_due_now_and_the_renewal_comes_from_the_prices() {
        let preview = preview_of(&invoice("subscription_update"), &input(ProrationChoice::AlwaysInvoice), 4000);
        assert_eq!((preview.due_now, preview.next_invoice_total, preview.proration_total), (1000, 4000, 500));
        assert_eq!(preview.lines.iter().map(|line| line.proration).collect::<Vec<_>>(), vec![true, true, false]);
        assert_eq!((preview.proration_date, preview.currency.as_str()), (1_800_000_000, "eur"));
    }

    #[test]
    fn prorations_for_later_are_due_with_the_renewal() {
        let preview = preview_of(&invoice("subscription_cycle"), &input(ProrationChoice::CreateProrations), 4000);
        assert_eq!((preview.due_now, preview.next_invoice_total, preview.proration_total), (0, 1200, 500));
        // Nothing to prorate: Stripe previews the renewal even when asked to invoice at once.
        let preview = preview_of(&invoice("subscription_cycle"), &input(ProrationChoice::AlwaysInvoice), 4000);
        assert_eq!((preview.due_now, preview.next_invoice_total), (0, 1200));
    }
}
