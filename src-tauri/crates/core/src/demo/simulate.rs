//! The "Simulate" menu of demo accounts: act as the customer or the card network on the
//! emulator (pay an invoice, a renewal that fails, a customer who updates their card, a
//! dispute) or move its clock, then sync as "Sync now" would. Only demo accounts may; a real
//! account is refused.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::service::Billfold;

/// The longest clock jump one action may make.
const MAX_DAYS: i64 = 366;

/// One thing to simulate on a demo account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimulateAction {
    /// The customer pays an open invoice: all that remains, or `amount` minor units of it
    /// (by bank transfer).
    PayInvoice {
        /// `in_…`
        #[serde(rename = "invoiceId")]
        invoice_id: String,
        /// Minor units; `null` pays all that remains (by card).
        amount: Option<i64>,
    },
    /// The subscription's card starts declining and it renews now: it turns past due.
    FailRenewal {
        /// `sub_…`
        #[serde(rename = "subscriptionId")]
        subscription_id: String,
    },
    /// The customer puts a working card on file (as in Stripe's customer portal): it becomes
    /// their default and that of their subscriptions that had their own. Nothing is paid
    /// until the next retry, or until the invoice is paid by hand.
    UpdateCard {
        /// `cus_…`
        #[serde(rename = "customerId")]
        customer_id: String,
    },
    /// The cardholder disputes a payment: give the payment intent or the charge.
    OpenDispute {
        /// `pi_…`, or `null` when the charge is given.
        #[serde(rename = "paymentIntentId")]
        payment_intent_id: Option<String>,
        /// `ch_…`, or `null` when the payment intent is given.
        #[serde(rename = "chargeId")]
        charge_id: Option<String>,
    },
    /// The bank decides a dispute: the merchant `won` (the funds come back) or `lost`.
    ResolveDispute {
        /// `dp_…`
        #[serde(rename = "disputeId")]
        dispute_id: String,
        /// `won` or `lost`.
        outcome: String,
    },
    /// Time passes: due dates pass, trials end, subscriptions renew (in both demo accounts,
    /// which share the emulator's clock).
    AdvanceClock {
        /// Whole days, 1 to 366.
        days: i64,
    },
}

/// Something a simulation can act on, as the menu lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SimulationTarget {
    /// The Stripe id (`sub_…`, `ch_…`, `cus_…`).
    pub id: String,
    /// Who it belongs to, for the menu.
    pub customer: Option<String>,
    /// Its status now.
    pub status: String,
    /// Amount in minor units (a charge's; a subscription's is not shown).
    pub amount: Option<i64>,
    /// Currency of `amount`.
    pub currency: Option<String>,
}

/// What the Simulate menu can act on, from the cache (invoices come from `list_invoices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SimulationTargets {
    /// Subscriptions whose renewal can fail (active, trialing or past due; charged to a card).
    pub subscriptions: Vec<SimulationTarget>,
    /// Charges that can be disputed (succeeded, not disputed, not fully refunded).
    pub charges: Vec<SimulationTarget>,
    /// Customers whose card failed: those of past-due or unpaid subscriptions charged to a
    /// card, each once, with that subscription's status.
    pub customers: Vec<SimulationTarget>,
    /// Disputes the bank has yet to decide (awaiting a response or under review).
    pub disputes: Vec<SimulationTarget>,
}

impl Billfold {
    /// Runs one simulated action on a demo account's emulator, saves the emulator's state
    /// and starts a sync of the account, as "Sync now" does. The object acted on is read
    /// through the account's own gateway first, so an id of another account is refused.
    pub async fn simulate(&self, account_id: &str, action: SimulateAction) -> Result<()> {
        let account = self.store().get_account(account_id)?;
        if !account.is_demo {
            return Err(Error::Validation(
                "Simulations run only on demo accounts; this is a real Stripe account.".into(),
            ));
        }
        let gateway = self.gateway(account_id).await?;
        let running = self.demo_runtime().running.lock().await;
        let running = running
            .as_ref()
            .ok_or_else(|| Error::Internal("the demo emulator is not running".into()))?;
        let sim = &running.sim;
        match &action {
            SimulateAction::PayInvoice { invoice_id, amount } => {
                let path = object_path("invoices", "in_", invoice_id)?;
                if amount.is_some_and(|amount| amount <= 0) {
                    return Err(Error::Validation(
                        "A payment must be more than zero.".into(),
                    ));
                }
                gateway.get_json(&path, &[]).await?;
                let method = if amount.is_some() {
                    "bank_transfer"
                } else {
                    "card"
                };
                sim.customer_payment(invoice_id, *amount, method)
                    .map_err(refused)?;
            }
            SimulateAction::FailRenewal { subscription_id } => {
                gateway
                    .get_json(&object_path("subscriptions", "sub_", subscription_id)?, &[])
                    .await?;
                sim.fail_renewal(subscription_id).map_err(refused)?;
            }
            SimulateAction::UpdateCard { customer_id } => {
                gateway
                    .get_json(&object_path("customers", "cus_", customer_id)?, &[])
                    .await?;
                sim.update_card(customer_id).map_err(refused)?;
            }
            SimulateAction::OpenDispute {
                payment_intent_id,
                charge_id,
            } => {
                let (path, id) = match (payment_intent_id, charge_id) {
                    (Some(intent), None) => {
                        (object_path("payment_intents", "pi_", intent)?, intent)
                    }
                    (None, Some(charge)) => (object_path("charges", "ch_", charge)?, charge),
                    _ => {
                        return Err(Error::Validation(
                            "Name either the payment intent or the charge to dispute.".into(),
                        ))
                    }
                };
                gateway.get_json(&path, &[]).await?;
                sim.open_dispute(id).map_err(refused)?;
            }
            SimulateAction::ResolveDispute { dispute_id, outcome } => {
                if !matches!(outcome.as_str(), "won" | "lost") {
                    return Err(Error::Validation("The bank decides a dispute as won or lost.".into()));
                }
                gateway.get_json(&object_path("disputes", "dp_", dispute_id)?, &[]).await?;
                sim.resolve_dispute(dispute_id, outcome).map_err(refused)?;
            }
            SimulateAction::AdvanceClock { days } => {
                if !(1..=MAX_DAYS).contains(days) {
                    return Err(Error::Validation(format!(
                        "Move the clock by 1 to {MAX_DAYS} days."
                    )));
                }
                sim.advance_clock(days * 86_400);
            }
        }
        running.save();
        tracing::info!(account = %account_id, ?action, "simulated");
        self.sync_now(account_id)
    }

    /// What the Simulate menu of a demo account can act on, read from the cache.
    pub fn simulation_targets(&self, account_id: &str) -> Result<SimulationTargets> {
        self.store().get_account(account_id)?;
        let customers = self.store().cached_objects(account_id, "customers")?;
        let name_of = |id: &Value| -> Option<String> {
            let id = id.as_str()?;
            let customer = customers.iter().find(|customer| customer["id"] == id)?;
            customer["name"]
                .as_str()
                .or(customer["email"].as_str())
                .map(str::to_string)
        };
        let by_card: Vec<Value> = self
            .store()
            .cached_objects(account_id, "subscriptions")?
            .into_iter()
            .filter(|s| s["collection_method"] == "charge_automatically")
            .collect();
        let mut customers: Vec<SimulationTarget> = Vec::new();
        for s in by_card
            .iter()
            .filter(|s| matches!(s["status"].as_str(), Some("past_due" | "unpaid")))
        {
            let id = text(&s["customer"]);
            if !id.is_empty() && customers.iter().all(|known| known.id != id) {
                customers.push(SimulationTarget {
                    customer: name_of(&s["customer"]),
                    id,
                    status: text(&s["status"]),
                    amount: None,
                    currency: None,
                });
            }
        }
        let subscriptions = by_card
            .iter()
            .filter(|s| {
                matches!(
                    s["status"].as_str(),
                    Some("active" | "trialing" | "past_due")
                )
            })
            .map(|s| SimulationTarget {
                id: text(&s["id"]),
                customer: name_of(&s["customer"]),
                status: text(&s["status"]),
                amount: None,
                currency: None,
            })
            .collect();
        let charges = self
            .store()
            .cached_objects(account_id, "charges")?
            .into_iter()
            .filter(|c| {
                c["status"] == "succeeded" && c["disputed"] != true && c["refunded"] != true
            })
            .map(|c| SimulationTarget {
                id: text(&c["id"]),
                customer: name_of(&c["customer"]),
                status: text(&c["status"]),
                amount: c["amount"].as_i64(),
                currency: c["currency"].as_str().map(str::to_string),
            })
            .collect();
        let disputes = self
            .store()
            .cached_objects(account_id, "disputes")?
            .into_iter()
            .filter(|d| !matches!(d["status"].as_str(), Some("won" | "lost" | "warning_closed")))
            .map(|d| SimulationTarget {
                id: text(&d["id"]),
                customer: None,
                status: text(&d["status"]),
                amount: d["amount"].as_i64(),
                currency: d["currency"].as_str().map(str::to_string),
            })
            .collect();
        Ok(SimulationTargets {
            subscriptions,
            charges,
            customers,
            disputes,
        })
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// `/v1/<resource>/<id>` for a Stripe id with the expected prefix and only id characters,
/// so nothing but an id reaches the path.
fn object_path(resource: &str, prefix: &str, id: &str) -> Result<String> {
    let body = id.strip_prefix(prefix).unwrap_or("");
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::Validation(format!("'{id}' is not a {prefix}… id.")));
    }
    Ok(format!("/v1/{resource}/{id}"))
}

/// The emulator refused the action (wrong state, unknown id): its message is for the user.
fn refused(err: stripe_sim::ApiError) -> Error {
    if err.status.as_u16() == 404 {
        Error::NotFound(err.message)
    } else {
        Error::Validation(err.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_arrive_as_the_ui_sends_them() {
        let pay: SimulateAction =
            serde_json::from_str(r#"{"kind":"pay_invoice","invoiceId":"in_1","amount":null}"#)
                .unwrap();
        assert_eq!(
            pay,
            SimulateAction::PayInvoice {
                invoice_id: "in_1".into(),
                amount: None
            }
        );
        let dispute: SimulateAction = serde_json::from_str(
            r#"{"kind":"open_dispute","paymentIntentId":null,"chargeId":"ch_9"}"#,
        )
        .unwrap();
        assert_eq!(
            dispute,
            SimulateAction::OpenDispute {
                payment_intent_id: None,
                charge_id: Some("ch_9".into())
            }
        );
        let card: SimulateAction =
            serde_json::from_str(r#"{"kind":"update_card","customerId":"cus_7"}"#).unwrap();
        assert_eq!(
            card,
            SimulateAction::UpdateCard {
                customer_id: "cus_7".into()
            }
        );
        assert!(serde_json::from_str::<SimulateAction>(r#"{"kind":"refund_everything"}"#).is_err());
    }

    #[test]
    fn only_well_formed_ids_reach_a_path() {
        assert_eq!(
            object_path("invoices", "in_", "in_1Abc").unwrap(),
            "/v1/invoices/in_1Abc"
        );
        for bad in [
            "",
            "in_",
            "sub_1",
            "in_../../v1/customers",
            "in_1?expand[]=x",
            "in_1/pay",
        ] {
            assert!(object_path("invoices", "in_", bad).is_err(), "{bad}");
        }
    }
}
