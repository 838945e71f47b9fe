//! What a purchase order still owes, defined once: the list, its balance sort index, the
//! detail and the aging summary all read [`balance_sql!`], and the credited sum they subtract
//! is re-derived from the cached credit notes by [`CREDITED_OF_P`] alone.

/// A PO row's balance as SQL over its own columns: total − paid − credited, never below 0,
/// and 0 once cancelled. A macro so list columns can `concat!` it into one `&'static str`;
/// the balance index (migration 0012) is written with exactly this expression.
macro_rules! balance_sql {
    () => {
        "(CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid - credited, 0) END)"
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

#[cfg(test)]
mod tests {
    use super::BALANCE;

    #[test]
    fn the_balance_index_is_built_on_the_balance_expression() {
        let migration = include_str!("../store/migrations/0012_po_credited.sql");
        assert!(
            migration.contains(&format!("(account_id, {BALANCE}, id)")),
            "the sort index must match the list's expression or SQLite sorts without it"
        );
    }
}
