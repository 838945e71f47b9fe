//! `apply_dunning_rule`: the account's dunning rule carried out on one subscription. Step 1 writes
//! the rule's mark into the subscription's metadata (`POST /v1/subscriptions/{id}`); for "mark
//! for review" that is all. Step 2 (cancel only) cancels it at once, as `cancel_subscription`
//! does (one already canceled is the goal reached). Each answer is applied to the cache before
//! the next step, so the mark is cached as soon as Stripe has it: a later sync, or another
//! desktop syncing the same account, sees it and leaves the subscription alone.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::subscription::{cancel, SubscriptionWrite};
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::subscriptions::{DunningAction, DUNNING_INVOICE_KEY, DUNNING_MARK_KEY};

/// Input of `apply_dunning_rule`, as recorded before the first request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningRuleApplication {
    /// The `past_due` or `unpaid` subscription the rule acts on.
    pub subscription_id: String,
    /// Its open invoice whose failed payments reached the rule's count (named so that the
    /// audit log shows the subscription as what the operation acted on).
    pub unpaid_invoice_id: String,
    /// Cancel it, or only mark it for review.
    pub action: DunningAction,
    /// The rule's count of failed payments.
    pub failed_payments: u32,
}

impl DunningRuleApplication {
    /// The metadata mark, e.g. `canceled after 3 failed payments`.
    pub fn mark(&self) -> String {
        let done = match self.action {
            DunningAction::Cancel => "canceled",
            DunningAction::Review => "review",
        };
        let plural = if self.failed_payments == 1 { "" } else { "s" };
        format!("{done} after {} failed payment{plural}", self.failed_payments)
    }
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: DunningRuleApplication = serde_json::from_value(input).map_err(|err| {
        Error::Internal(format!("a {} operation has unreadable input: {err}", OperationKind::ApplyDunningRule.as_str()))
    })?;
    let form = vec![
        (format!("metadata[{DUNNING_MARK_KEY}]"), input.mark()),
        (format!("metadata[{DUNNING_INVOICE_KEY}]"), input.unpaid_invoice_id.clone()),
    ];
    let gateway = run.gateway().clone();
    let path = format!("/v1/subscriptions/{}", input.subscription_id);
    let marked = run
        .step("mark subscription", |key| async move { gateway.post_form(&path, &form, Some(&key)).await })
        .await?;
    run.apply_subscription(&marked)?;
    if input.action == DunningAction::Review {
        return Ok(marked);
    }
    // A final invoice or a credit for unused time would be wrong for a customer who has not
    // paid: the open invoice stays as it is, for the dunning queue's own actions.
    let write = SubscriptionWrite {
        subscription_id: input.subscription_id,
        form: vec![("invoice_now".into(), "false".into()), ("prorate".into(), "false".into())],
    };
    let canceled = cancel(run, &write).await?;
    run.apply_subscription(&canceled)?;
    Ok(canceled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_says_what_was_done_after_how_many_failures() {
        let mut input = DunningRuleApplication {
            subscription_id: "sub_1".into(),
            unpaid_invoice_id: "in_1".into(),
            action: DunningAction::Cancel,
            failed_payments: 3,
        };
        assert_eq!(input.mark(), "canceled after 3 failed payments");
        input.action = DunningAction::Review;
        input.failed_payments = 1;
        assert_eq!(input.mark(), "review after 1 failed payment");
    }
}
