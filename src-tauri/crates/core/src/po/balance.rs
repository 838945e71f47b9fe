//! What a purchase order still owes, defined once: the list, its balance sort index, the
//! detail and the aging summary all read [`balance_sql!`]; the credited sum they subtract is
//! re-derived from the cached credit notes by [`CREDITED_OF_P`] alone, and the refunded sum
//! they add back from the cached refunds by [`REFUNDED_OF_P`] alone.

/// A PO row's balance as SQL over its own columns: total − (paid − refunded) − credited,
/// never below 0, and 0 once cancelled. A macro so list columns can `concat!` it into one
/// `&'static str`; the balance index (migration 0015) is written with exactly this expression.
///
/// A credit note's refund is counted in both `credited` and `refunded`, each once: the
/// credit lowers what the invoice asks, the refund gives money back. They cancel out, as they
/// should (a note refunding 30 of a paid 100 leaves nothing owed); leaving the note's refund
/// out of `refunded` would count its credit twice, so a later plain refund of the rest would
/// show less owed than was given back.
macro_rules! balance_sql {
    () => {
        "(CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid + refunded - credited, 0) END)"
    };
}
pub(crate) use balance_sql;

/// The balance expression as a value, for queries built at run time.
pub(super) const BALANCE: &str = balance_sql!();

/// The credited sum of the PO aliased `p`, from the cache: the totals of its invoice's credit
/// notes, void ones left out (a voided note no longer reduces what is owed).
pub(super) const CREDITED_OF_P: &str = "(SELECT coalesce(sum(n.total), 0) FROM cache_credit_notes n
    WHERE n.account_id = p.account_id AND n.invoice_id = p.invoice_id AND n.deleted = 0
      AND n.status IS NOT 'void')";

/// The refunded sum of the PO aliased `p`, from the cache: its invoice's paid payments'
/// refunds that are not failed or canceled (a refund under way has left the account already,
/// as Stripe counts it in the charge's `amount_refunded`).
pub(super) const REFUNDED_OF_P: &str = "(SELECT coalesce(sum(r.amount), 0) FROM cache_refunds r
    WHERE r.account_id = p.account_id AND r.deleted = 0 AND ifnull(r.status, '') NOT IN ('failed', 'canceled')
      AND r.payment_intent_id IN (SELECT coalesce(json_extract(ip.raw, '$.payment.payment_intent.id'), json_extract(ip.raw, '$.payment.payment_intent'))
          FROM cache_invoice_payments ip
          WHERE ip.account_id = p.account_id AND ip.invoice_id = p.invoice_id AND ip.deleted = 0 AND ip.status = 'paid'))";

#[cfg(test)]
mod tests {
    use super::BALANCE;

    #[test]
    fn the_balance_index_is_built_on_the_balance_expression() {
        let migration = include_str!("../store/migrations/0015_payments.sql");
        assert!(
            migration.contains(&format!("(account_id, {BALANCE}, id)")),
            "the sort index must match the list's expression or SQLite sorts without it"
        );
    }
}
