//! Subscriptions on [`Billfold`]: the list, the detail, the upcoming invoice, actions and new
//! subscriptions. Every write is checked first, then runs as one journaled operation whose
//! answer the operation applies to the cache; the window is told and the fresh detail returned.

use serde_json::Value;

use super::validate::{self, check_subscription_id};
use super::{
    NewSubscriptionInput, RecurringPrice, SubscriptionAction, SubscriptionDetail, SubscriptionPage, UpcomingInvoice,
    UpcomingLine,
};
use crate::error::{Error, Result};
use crate::journal::{self, CreatedSubscription, OperationKind, SubscriptionWrite};
use crate::money::Currency;
use crate::service::Billfold;
use crate::store::ListQuery;

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|err| Error::Internal(err.to_string()))
}

fn pair(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// The operation and form that carry out `action`.
fn operation_of(action: &SubscriptionAction) -> (OperationKind, Vec<(String, String)>) {
    match action {
        SubscriptionAction::CancelNow { invoice_now, prorate } => (
            OperationKind::CancelSubscription,
            vec![pair("invoice_now", invoice_now), pair("prorate", prorate)],
        ),
        SubscriptionAction::CancelAtPeriodEnd => {
            (OperationKind::UpdateSubscription, vec![pair("cancel_at_period_end", true)])
        }
        SubscriptionAction::UndoCancel => (OperationKind::UpdateSubscription, vec![pair("cancel_at_period_end", false)]),
        SubscriptionAction::PauseCollection { behavior, resumes_at } => {
            let mut form = vec![pair("pause_collection[behavior]", behavior)];
            if let Some(at) = resumes_at {
                form.push(pair("pause_collection[resumes_at]", at));
            }
            (OperationKind::UpdateSubscription, form)
        }
        // An empty value unsets the field: collection resumes.
        SubscriptionAction::ResumeCollection => (OperationKind::UpdateSubscription, vec![pair("pause_collection", "")]),
        // Expanded, so the answer brings the discounts (and their coupons' ids) into the cache.
        SubscriptionAction::ApplyCoupon { coupon_id } => (
            OperationKind::UpdateSubscription,
            vec![pair("discounts[0][coupon]", coupon_id), pair("expand[]", "discounts")],
        ),
        SubscriptionAction::RemoveDiscounts => {
            (OperationKind::UpdateSubscription, vec![pair("discounts", ""), pair("expand[]", "discounts")])
        }
    }
}

/// The upcoming invoice of Stripe's preview answer.
fn upcoming_of(invoice: &Value) -> UpcomingInvoice {
    let int = |field: &str| invoice[field].as_i64().unwrap_or(0);
    let lines = invoice["lines"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| UpcomingLine {
            description: line["description"].as_str().map(str::to_string),
            amount: line["amount"].as_i64().unwrap_or(0),
            quantity: line["quantity"].as_i64(),
            period_start: line["period"]["start"].as_i64(),
            period_end: line["period"]["end"].as_i64(),
        })
        .collect();
    UpcomingInvoice {
        currency: invoice["currency"].as_str().unwrap_or_default().to_string(),
        subtotal: int("subtotal"),
        total: int("total"),
        amount_due: int("amount_due"),
        period_end: invoice["period_end"].as_i64(),
        lines,
    }
}

impl Billfold {
    /// A page of the account's cached subscriptions.
    pub fn list_subscriptions(&self, account_id: &str, query: &ListQuery) -> Result<SubscriptionPage> {
        self.store().get_account(account_id)?;
        self.store().list_subscriptions(account_id, query)
    }

    /// Active recurring prices of the cache (in `currency`, when given), for a new subscription.
    pub fn list_recurring_prices(&self, account_id: &str, currency: Option<&str>) -> Result<Vec<RecurringPrice>> {
        self.store().get_account(account_id)?;
        let currency = currency.map(Currency::parse).transpose()?;
        self.store().recurring_prices(account_id, currency.as_ref().map(Currency::code))
    }

    /// The cached subscription as the subscription view shows it; no request is made.
    pub fn subscription_detail(&self, account_id: &str, subscription_id: &str) -> Result<SubscriptionDetail> {
        check_subscription_id(subscription_id)?;
        self.store().get_account(account_id)?;
        self.store().subscription_detail(account_id, subscription_id)
    }

    /// The invoice Stripe would issue next for the subscription (`POST
    /// /v1/invoices/create_preview`, nothing recorded); `None` when there is none (an ended
    /// subscription).
    pub async fn upcoming_invoice(&self, account_id: &str, subscription_id: &str) -> Result<Option<UpcomingInvoice>> {
        let detail = self.subscription_detail(account_id, subscription_id)?;
        if matches!(detail.status.as_str(), "canceled" | "incomplete_expired") {
            return Ok(None);
        }
        let gateway = self.gateway(account_id).await?;
        let form = vec![pair("subscription", subscription_id)];
        // A preview creates nothing, so it needs no idempotency key and is not journaled.
        match gateway.post_form("/v1/invoices/create_preview", &form, None).await {
            Ok(invoice) => Ok(Some(upcoming_of(&invoice))),
            Err(Error::Stripe { code: Some(code), .. }) if code == "invoice_upcoming_none" => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Runs one action on a subscription as a journaled operation and returns the fresh
    /// detail. An action its cached state does not allow, or with bad parameters, is refused
    /// before anything is recorded or sent.
    pub async fn subscription_action(
        &self,
        account_id: &str,
        subscription_id: &str,
        action: SubscriptionAction,
    ) -> Result<SubscriptionDetail> {
        let detail = self.subscription_detail(account_id, subscription_id)?;
        validate::action(&detail, &action, chrono::Utc::now().timestamp())?;
        if let SubscriptionAction::ApplyCoupon { coupon_id } = &action {
            let prices: Vec<&str> = detail.items.iter().filter_map(|item| item.price_id.as_deref()).collect();
            self.store().coupon_for(account_id, coupon_id, &detail.currency, &prices)?;
        }
        let (kind, form) = operation_of(&action);
        let input = to_json(&SubscriptionWrite { subscription_id: subscription_id.to_string(), form })?;
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, kind, input)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["subscriptions"]);
        outcome?;
        self.store().subscription_detail(account_id, subscription_id)
    }

    /// Creates a subscription (see [`journal`]'s `create_subscription`) after checking it
    /// against Stripe's rules and the cache; returns its detail.
    pub async fn create_subscription(
        &self,
        account_id: &str,
        input: NewSubscriptionInput,
    ) -> Result<SubscriptionDetail> {
        self.store().get_account(account_id)?;
        let now = chrono::Utc::now().timestamp();
        let input = validate::new_subscription(self.store(), account_id, &input, now)?;
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, OperationKind::CreateSubscription, to_json(&input)?)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["subscriptions", "customers", "invoices"]);
        let created: CreatedSubscription =
            serde_json::from_value(outcome?).map_err(|err| Error::Internal(err.to_string()))?;
        self.store().subscription_detail(account_id, &created.subscription_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_action_sends_its_own_form() {
        let (kind, form) = operation_of(&SubscriptionAction::CancelNow { invoice_now: true, prorate: false });
        assert_eq!(kind, OperationKind::CancelSubscription);
        assert_eq!(form, vec![pair("invoice_now", "true"), pair("prorate", "false")]);
        let (kind, form) = operation_of(&SubscriptionAction::PauseCollection {
            behavior: "void".into(),
            resumes_at: Some(1_900_000_000),
        });
        assert_eq!(kind, OperationKind::UpdateSubscription);
        assert_eq!(
            form,
            vec![pair("pause_collection[behavior]", "void"), pair("pause_collection[resumes_at]", 1_900_000_000)]
        );
        assert_eq!(operation_of(&SubscriptionAction::ResumeCollection).1, vec![pair("pause_collection", "")]);
        assert_eq!(operation_of(&SubscriptionAction::UndoCancel).1, vec![pair("cancel_at_period_end", "false")]);
        let apply = SubscriptionAction::ApplyCoupon { coupon_id: "EARLY".into() };
        assert_eq!(operation_of(&apply).1, vec![pair("discounts[0][coupon]", "EARLY"), pair("expand[]", "discounts")]);
        assert_eq!(operation_of(&SubscriptionAction::RemoveDiscounts).1, vec![pair("discounts", ""), pair("expand[]", "discounts")]);
    }

    #[test]
    fn a_preview_becomes_the_upcoming_invoice() {
        let preview = json!({
            "currency": "usd", "subtotal": 3000, "total": 3000, "amount_due": 2500, "period_end": 1_800_000_000,
            "lines": {"data": [{"description": "3 × Seat", "amount": 3000, "quantity": 3, "period": {"start": 1, "end": 2}}]},
        });
        let upcoming = upcoming_of(&preview);
        assert_eq!((upcoming.total, upcoming.amount_due), (3000, 2500));
        assert_eq!(upcoming.lines[0].quantity, Some(3));
        assert_eq!(upcoming.lines[0].period_end, Some(2));
    }
}
