//! A payout's transactions as CSV for a spreadsheet or the books: one header row, ISO dates,
//! amounts in major units with the currency's own decimals, and no text cell a spreadsheet
//! would run as a formula (the rules of [`crate::exports::csv`], which writes it).

use super::PayoutDetail;
use crate::error::Result;
use crate::exports::csv::{Cell, CsvOut};

const HEADER: [&str; 11] = [
    "payout_id",
    "transaction_id",
    "type",
    "source_id",
    "customer_id",
    "customer_name",
    "created",
    "currency",
    "amount",
    "fee",
    "net",
];

/// The payout's transactions as CSV text, in the detail's order.
pub(super) fn export(detail: &PayoutDetail) -> Result<String> {
    let mut out = CsvOut::in_memory(&HEADER)?;
    for transaction in &detail.transactions {
        let currency = &transaction.currency;
        // Text from Stripe is made formula-safe; the amounts are numbers written here (a
        // leading minus must stay one, or refunds would not add up in a spreadsheet).
        out.row(&[
            Cell::Text(detail.payout.id.clone()),
            Cell::Text(transaction.id.clone()),
            Cell::Text(transaction.transaction_type.clone()),
            Cell::text(transaction.source_id.clone()),
            Cell::text(transaction.customer_id.clone()),
            Cell::text(transaction.customer_name.clone()),
            Cell::Date(transaction.created),
            Cell::Text(currency.to_uppercase()),
            Cell::Money(transaction.amount, currency.clone()),
            Cell::Money(transaction.fee, currency.clone()),
            Cell::Money(transaction.net, currency.clone()),
        ])?;
    }
    out.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payouts::{PayoutRow, PayoutSums, PayoutTransactionRow};

    fn transaction(id: &str, amount: i64, fee: i64, name: &str) -> PayoutTransactionRow {
        PayoutTransactionRow {
            id: id.into(),
            transaction_type: if amount < 0 { "refund" } else { "charge" }.into(),
            reporting_category: "charge".into(),
            source_id: Some(format!("ch_{id}")),
            charge_id: None,
            customer_id: Some("cus_1".into()),
            customer_name: Some(name.into()),
            amount,
            fee,
            net: amount - fee,
            currency: "usd".into(),
            created: 1_700_000_000,
            description: None,
        }
    }

    #[test]
    fn rows_are_major_units_and_formula_safe() {
        let payout = PayoutRow {
            id: "po_1".into(),
            status: "paid".into(),
            amount: 9_680 - 1_000,
            currency: "usd".into(),
            arrival_date: 1_700_172_800,
            created: 1_700_000_000,
            automatic: true,
            description: None,
            failure_message: None,
        };
        let detail = PayoutDetail {
            payout,
            transactions: vec![transaction("txn_1", 10_000, 320, "=cmd|' /C calc'!A0"), transaction("txn_2", -1_000, 0, "Acme")],
            sums: PayoutSums { amount: 9_000, fee: 320, net: 8_680, matches_payout: true },
            fetched_at: 1_700_000_000,
        };
        let text = export(&detail).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), HEADER.join(","));
        assert_eq!(lines.next().unwrap(), "po_1,txn_1,charge,ch_txn_1,cus_1,'=cmd|' /C calc'!A0,2023-11-14,USD,100.00,3.20,96.80");
        assert_eq!(lines.next().unwrap(), "po_1,txn_2,refund,ch_txn_2,cus_1,Acme,2023-11-14,USD,-10.00,0.00,-10.00");
        assert!(lines.next().is_none());
    }
}
