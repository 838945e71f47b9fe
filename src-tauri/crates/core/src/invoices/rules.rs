//! Stripe's state rules for invoice actions: what each status allows, and the sentence Stripe
//! refuses with otherwise, so a refused action is stopped before any request.

use super::InvoiceActionKind::{self, *};

/// The facts about an invoice the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceState<'a> {
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    pub status: &'a str,
    /// `send_invoice` or `charge_automatically`.
    pub collection_method: &'a str,
    /// Still to pay, minor units.
    pub amount_remaining: i64,
}

/// The actions the invoice's state allows now, in the order the UI offers them.
pub fn allowed_actions(state: InvoiceState<'_>) -> Vec<InvoiceActionKind> {
    [Finalize, Send, Pay, PayOutOfBand, MarkUncollectible, Void, DeleteDraft]
        .into_iter()
        .filter(|kind| refusal(state, *kind).is_none())
        .collect()
}

/// Why Stripe refuses `kind` in this state, or `None` when it allows it.
pub fn refusal(state: InvoiceState<'_>, kind: InvoiceActionKind) -> Option<String> {
    let status = state.status;
    let refused = |text: &str| Some(text.to_string());
    match (kind, status) {
        (Finalize, "draft") => None,
        (Finalize, _) => refused("This invoice is already finalized, you can't re-finalize a non-draft invoice."),
        (DeleteDraft, "draft") => None,
        (DeleteDraft, _) => refused("You can only delete draft invoices."),
        (Send, "open") if state.collection_method == "send_invoice" => None,
        (Send, "open") => {
            refused("You can only manually send an invoice if its collection method is 'send_invoice'.")
        }
        (Send, _) => refused("You can only send an open invoice. This invoice isn't open."),
        (Pay, "open" | "uncollectible") if state.amount_remaining > 0 => None,
        (Pay, "open" | "uncollectible") => refused("This invoice has nothing left to pay."),
        (PayOutOfBand, "open" | "uncollectible") => None,
        (Pay | PayOutOfBand, "paid") => refused("Invoice is already paid"),
        (Pay | PayOutOfBand, "void") => refused("This invoice has been voided and can no longer be paid."),
        (Pay | PayOutOfBand, _) => refused("Finalize this draft invoice before it is paid."),
        (Void, "open" | "uncollectible") => None,
        (Void, "paid") => refused("A paid invoice cannot be voided."),
        (Void, "void") => refused("This invoice is already void."),
        (Void, _) => refused("You can only pass in open invoices. This invoice isn't open."),
        (MarkUncollectible, "open") => None,
        (MarkUncollectible, _) => {
            refused("You can only mark open invoices as uncollectible. This invoice isn't open.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state<'a>(status: &'a str, method: &'a str, remaining: i64) -> InvoiceState<'a> {
        InvoiceState { status, collection_method: method, amount_remaining: remaining }
    }

    #[test]
    fn each_status_allows_what_stripe_allows() {
        assert_eq!(allowed_actions(state("draft", "send_invoice", 500)), vec![Finalize, DeleteDraft]);
        assert_eq!(
            allowed_actions(state("open", "send_invoice", 500)),
            vec![Send, Pay, PayOutOfBand, MarkUncollectible, Void]
        );
        assert_eq!(
            allowed_actions(state("open", "charge_automatically", 500)),
            vec![Pay, PayOutOfBand, MarkUncollectible, Void]
        );
        assert_eq!(
            allowed_actions(state("open", "send_invoice", 0)),
            vec![Send, PayOutOfBand, MarkUncollectible, Void]
        );
        assert_eq!(allowed_actions(state("uncollectible", "send_invoice", 500)), vec![Pay, PayOutOfBand, Void]);
        assert!(allowed_actions(state("paid", "send_invoice", 0)).is_empty());
        assert!(allowed_actions(state("void", "send_invoice", 500)).is_empty());
    }

    #[test]
    fn refusals_quote_stripes_rule() {
        assert_eq!(refusal(state("paid", "send_invoice", 0), Void).as_deref(), Some("A paid invoice cannot be voided."));
        assert_eq!(refusal(state("paid", "send_invoice", 0), Pay).as_deref(), Some("Invoice is already paid"));
        assert_eq!(
            refusal(state("open", "send_invoice", 5), DeleteDraft).as_deref(),
            Some("You can only delete draft invoices.")
        );
        assert!(refusal(state("open", "charge_automatically", 5), Send).unwrap().contains("send_invoice"));
        assert!(refusal(state("uncollectible", "send_invoice", 5), MarkUncollectible).is_some());
        assert!(refusal(state("void", "send_invoice", 5), PayOutOfBand).unwrap().contains("voided"));
        assert!(refusal(state("draft", "send_invoice", 5), Finalize).is_none());
    }
}
