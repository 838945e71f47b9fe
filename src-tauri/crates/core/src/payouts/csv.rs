//! A payout's transactions as CSV for a spreadsheet or the books: one header row, ISO dates,
//! amounts in major units with the currency's own decimals, and no text cell a spreadsheet
//! would run as a formula (the invoice export's rules).

use super::PayoutDetail;
use crate::error::{Error, Result};
use crate::invoices::csv::{date, major_units, safe};

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
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let failed = |err: ::csv::Error| Error::Internal(format!("CSV could not be written: {err}"));
    writer.write_record(HEADER).map_err(failed)?;
    for transaction in &detail.transactions {
        let amount = |minor: i64| major_units(minor, &transaction.currency);
        // Text from Stripe is made formula-safe; the amounts are numbers written here (a
        // leading minus must stay one, or refunds would not add up in a spreadsheet).
        let text = [
            &detail.payout.id,
            &transaction.id,
            &transaction.transaction_type,
            &transaction.source_id.clone().unwrap_or_default(),
            &transaction.customer_id.clone().unwrap_or_default(),
            &transaction.customer_name.clone().unwrap_or_default(),
        ]
        .map(|cell| safe(cell));
        let rest = [
            date(Some(transaction.created)),
            transaction.currency.to_uppercase(),
            amount(transaction.amount),
            amount(transaction.fee),
            amount(transaction.net),
        ];
        writer.write_record(text.iter().chain(rest.iter())).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|err| Error::Internal(format!("CSV could not be written: {err}")))?;
    String::from_utf8(bytes).map_err(|err| Error::Internal(err.to_string()))
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
