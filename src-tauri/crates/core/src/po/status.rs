//! The purchase-order status machine, as pure functions: which status a PO is in given its
//! invoice and payments, whether it is overdue, and which actions each status allows.

use super::PoStatus;

/// What the status is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInputs<'a> {
    /// The user cancelled the PO (before or after issuing).
    pub cancelled: bool,
    /// Stripe's status of the PO's invoice, once there is one (`draft`, `open`, `paid`,
    /// `void`, `uncollectible`).
    pub invoice_status: Option<&'a str>,
    /// The PO's total, minor units.
    pub total: i64,
    /// Everything paid on it (Stripe and outside Stripe), minor units.
    pub paid: i64,
    /// What its invoice's non-void credit notes took off, minor units.
    pub credited: i64,
}

/// The status a PO is in. A voided invoice cancels the PO; an uncollectible one keeps the
/// payment status (the invoice status shows it); Stripe saying paid wins over local sums.
/// Payments and credit notes together covering the total make it paid; credit notes alone
/// never make it partially paid (nothing was received).
pub fn derive(inputs: StatusInputs<'_>) -> PoStatus {
    let StatusInputs {
        cancelled,
        invoice_status,
        total,
        paid,
        credited,
    } = inputs;
    if cancelled || invoice_status == Some("void") {
        return PoStatus::Cancelled;
    }
    let Some(invoice_status) = invoice_status else {
        return PoStatus::Draft;
    };
    if invoice_status == "draft" {
        // An invoice that exists but is not finalized yet: issuing is under way.
        return PoStatus::Draft;
    }
    if invoice_status == "paid" || (total > 0 && paid + credited >= total) {
        PoStatus::Paid
    } else if paid > 0 {
        PoStatus::PartiallyPaid
    } else {
        PoStatus::Invoiced
    }
}

/// Overdue: past its due date (`YYYY-MM-DD`, compared as text) and still waiting for money.
pub fn overdue(status: PoStatus, due_date: Option<&str>, today: &str) -> bool {
    awaits_payment(status) && due_date.is_some_and(|due| due < today)
}

/// Invoiced or partially paid: money is still expected.
pub fn awaits_payment(status: PoStatus) -> bool {
    matches!(status, PoStatus::Invoiced | PoStatus::PartiallyPaid)
}

/// Something a user does to a PO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change fields or lines.
    Edit,
    /// Send it to Stripe as an invoice.
    Issue,
    /// Record a payment received.
    RecordPayment,
    /// Email the invoice again.
    Resend,
    /// Cancel it (void the invoice, or delete a draft one).
    Cancel,
}

/// Whether `action` is allowed in `status`; `Err` is the sentence to show when not.
pub fn allows(status: PoStatus, action: Action) -> Result<(), &'static str> {
    use PoStatus::*;
    let allowed = match action {
        Action::Edit | Action::Issue => status == Draft,
        Action::RecordPayment | Action::Resend => awaits_payment(status),
        Action::Cancel => matches!(status, Draft | Invoiced),
    };
    if allowed {
        return Ok(());
    }
    Err(match (action, status) {
        (Action::Edit, _) => "Only draft purchase orders can be changed; this one has been issued or cancelled.",
        (Action::Issue, _) => "This purchase order has already been issued or was cancelled.",
        (Action::RecordPayment, Paid) => "This purchase order is already paid in full.",
        (Action::RecordPayment, _) => "Payments can only be recorded on an issued, unpaid purchase order.",
        (Action::Resend, _) => "Only an issued invoice that is not paid can be sent again.",
        (Action::Cancel, PartiallyPaid | Paid) => {
            "A purchase order with payments cannot be cancelled; Stripe does not void invoices that were paid."
        }
        (Action::Cancel, _) => "This purchase order is already cancelled.",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(cancelled: bool, invoice: Option<&str>, total: i64, paid: i64) -> PoStatus {
        derive(StatusInputs {
            cancelled,
            invoice_status: invoice,
            total,
            paid,
            credited: 0,
        })
    }

    fn credited_status(invoice: Option<&str>, total: i64, paid: i64, credited: i64) -> PoStatus {
        derive(StatusInputs {
            cancelled: false,
            invoice_status: invoice,
            total,
            paid,
            credited,
        })
    }

    #[test]
    fn status_follows_the_invoice_and_the_payments() {
        assert_eq!(status(false, None, 1000, 0), PoStatus::Draft);
        assert_eq!(status(false, Some("draft"), 1000, 0), PoStatus::Draft);
        assert_eq!(status(false, Some("open"), 1000, 0), PoStatus::Invoiced);
        assert_eq!(
            status(false, Some("open"), 1000, 1),
            PoStatus::PartiallyPaid
        );
        assert_eq!(status(false, Some("open"), 1000, 1000), PoStatus::Paid);
        assert_eq!(
            status(false, Some("open"), 1000, 1500),
            PoStatus::Paid,
            "overpaid is paid"
        );
        assert_eq!(
            status(false, Some("paid"), 1000, 0),
            PoStatus::Paid,
            "Stripe's word wins"
        );
        assert_eq!(
            status(false, Some("uncollectible"), 1000, 300),
            PoStatus::PartiallyPaid
        );
        assert_eq!(status(false, Some("void"), 1000, 0), PoStatus::Cancelled);
        assert_eq!(status(true, None, 1000, 0), PoStatus::Cancelled);
    }

    #[test]
    fn credit_notes_count_towards_paid_but_are_no_payment() {
        assert_eq!(
            credited_status(Some("open"), 1000, 600, 400),
            PoStatus::Paid
        );
        assert_eq!(
            credited_status(Some("open"), 1000, 500, 400),
            PoStatus::PartiallyPaid
        );
        assert_eq!(
            credited_status(Some("open"), 1000, 0, 400),
            PoStatus::Invoiced,
            "credited alone is not partly paid"
        );
        assert_eq!(credited_status(Some("open"), 1000, 0, 1000), PoStatus::Paid);
        assert_eq!(
            credited_status(Some("void"), 1000, 600, 400),
            PoStatus::Cancelled
        );
    }

    #[test]
    fn overdue_means_past_due_and_still_owed() {
        assert!(overdue(
            PoStatus::Invoiced,
            Some("2026-01-01"),
            "2026-01-02"
        ));
        assert!(overdue(
            PoStatus::PartiallyPaid,
            Some("2026-01-01"),
            "2026-03-01"
        ));
        assert!(
            !overdue(PoStatus::Invoiced, Some("2026-01-02"), "2026-01-02"),
            "due today is not late"
        );
        assert!(!overdue(PoStatus::Paid, Some("2026-01-01"), "2026-03-01"));
        assert!(!overdue(
            PoStatus::Cancelled,
            Some("2026-01-01"),
            "2026-03-01"
        ));
        assert!(!overdue(PoStatus::Invoiced, None, "2026-03-01"));
    }

    #[test]
    fn actions_are_allowed_only_where_they_make_sense() {
        assert!(allows(PoStatus::Draft, Action::Edit).is_ok());
        assert!(allows(PoStatus::Draft, Action::Issue).is_ok());
        assert!(allows(PoStatus::Invoiced, Action::Edit).is_err());
        assert!(allows(PoStatus::Invoiced, Action::Issue).is_err());
        assert!(allows(PoStatus::Invoiced, Action::RecordPayment).is_ok());
        assert!(allows(PoStatus::PartiallyPaid, Action::Resend).is_ok());
        assert!(allows(PoStatus::Draft, Action::RecordPayment).is_err());
        assert!(allows(PoStatus::Paid, Action::RecordPayment)
            .unwrap_err()
            .contains("already paid"));
        assert!(allows(PoStatus::Invoiced, Action::Cancel).is_ok());
        assert!(allows(PoStatus::PartiallyPaid, Action::Cancel)
            .unwrap_err()
            .contains("with payments"));
        assert!(allows(PoStatus::Cancelled, Action::Cancel).is_err());
        assert!(allows(PoStatus::Cancelled, Action::Resend).is_err());
    }
}
