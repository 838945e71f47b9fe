use std::collections::BTreeMap;

use super::*;
use crate::invoices::{CustomField, LineChange};

/// A cache with one EUR customer, one customer without a currency and one EUR price of 1500.
struct Fake;

impl Catalog for Fake {
    fn customer_currency(&self, customer_id: &str) -> Result<Option<Option<String>>> {
        Ok(match customer_id {
            "cus_eur" => Some(Some("eur".into())),
            "cus_new" => Some(None),
            _ => None,
        })
    }
    fn email_currency(&self, email: &str) -> Result<Option<String>> {
        Ok((email == "ap@eur.test").then(|| "eur".into()))
    }
    fn price_amount(&self, price_id: &str, currency: &str) -> Result<Option<i64>> {
        Ok((price_id == "price_eur" && currency == "eur").then_some(1500))
    }
}

const NOW: i64 = 1_700_000_000;

fn ad_hoc(quantity: u64, unit_amount: i64) -> NewInvoiceLine {
    NewInvoiceLine { price_id: None, description: Some("Consulting".into()), quantity, unit_amount: Some(unit_amount) }
}

fn input(customer: &str) -> NewInvoiceInput {
    NewInvoiceInput {
        customer: CustomerChoice::Existing { customer_id: customer.into() },
        currency: "EUR".into(),
        collection_method: CollectionMethod::SendInvoice,
        days_until_due: Some(30),
        due_date: None,
        lines: vec![ad_hoc(2, 500)],
        memo: Some("  ".into()),
        footer: None,
        custom_fields: vec![],
        metadata: BTreeMap::new(),
    }
}

fn refused(input: &NewInvoiceInput) -> String {
    match new_invoice(&Fake, input, NOW) {
        Err(Error::Validation(message)) => message,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_good_invoice_is_normalized() {
    let mut good = input("cus_eur");
    good.lines.push(NewInvoiceLine { price_id: Some("price_eur".into()), description: None, quantity: 3, unit_amount: None });
    let checked = new_invoice(&Fake, &good, NOW).unwrap();
    assert_eq!(checked.currency, "eur");
    assert_eq!(checked.memo, None);
    assert_eq!(checked.lines.len(), 2);
    assert!(new_invoice(&Fake, &input("cus_new"), NOW).is_ok());
}

#[test]
fn bad_invoices_are_refused_with_a_reason() {
    let mut bad = input("cus_eur");
    bad.lines = vec![ad_hoc(0, 500)];
    assert!(refused(&bad).contains("quantity"));
    bad.lines = vec![ad_hoc(1, 100_000_000)];
    assert!(refused(&bad).contains("99999999"));
    bad.lines = vec![ad_hoc(1, -1)];
    assert!(refused(&bad).contains("negative"));
    bad.lines = vec![ad_hoc(10, 10_000_000)];
    assert!(refused(&bad).contains("amount of line 1"));
    bad.lines = vec![NewInvoiceLine { price_id: Some("price_usd".into()), description: None, quantity: 1, unit_amount: None }];
    assert!(refused(&bad).contains("not an active one-off price"));
    bad.lines = vec![NewInvoiceLine { price_id: None, description: None, quantity: 1, unit_amount: Some(5) }];
    assert!(refused(&bad).contains("description"));
    bad.lines = vec![ad_hoc(1, 1); 251];
    assert!(refused(&bad).contains("250"));
    bad.lines = vec![];
    assert!(refused(&bad).contains("at least one line"));

    let mut bad = input("cus_eur");
    bad.currency = "usd".into();
    assert!(refused(&bad).contains("one currency"));
    bad.currency = "xyz".into();
    assert!(refused(&bad).contains("not a currency"));
    assert!(refused(&input("cus_unknown")).contains("no customer"));

    let mut bad = input("cus_eur");
    bad.customer = CustomerChoice::ByEmail { email: "ap@example".into(), name: "AP".into() };
    assert!(refused(&bad).contains("not a valid email"));
    bad.customer = CustomerChoice::ByEmail { email: "ap@eur.test".into(), name: "AP".into() };
    bad.currency = "gbp".into();
    assert!(refused(&bad).contains("one currency"));

    let mut bad = input("cus_eur");
    bad.days_until_due = None;
    assert!(refused(&bad).contains("payment terms"));
    bad.due_date = Some(NOW - 1);
    assert!(refused(&bad).contains("future"));
    bad.collection_method = CollectionMethod::ChargeAutomatically;
    assert!(refused(&bad).contains("only apply"));

    let mut bad = input("cus_eur");
    bad.custom_fields = vec![CustomField { name: "PO".into(), value: "1".into() }; 5];
    assert!(refused(&bad).contains("custom fields"));
}

fn draft() -> InvoiceDetail {
    let json = serde_json::json!({"id": "in_1", "object": "invoice", "status": "draft", "currency": "eur",
        "collection_method": "send_invoice", "amount_remaining": 1000, "total": 1000});
    super::super::detail::tests_support::detail_of(json, vec![serde_json::json!({"id": "il_1", "amount": 1000,
        "quantity": 2, "description": "Consulting", "pricing": {"unit_amount_decimal": "500"}})])
}

#[test]
fn draft_changes_are_checked_against_the_draft() {
    let detail = draft();
    let change = DraftChanges {
        update_lines: vec![LineChange { line_id: "il_1".into(), description: None, quantity: None, unit_amount: Some(700) }],
        ..DraftChanges::default()
    };
    let checked = draft_changes(&Fake, &detail, &change, NOW).unwrap();
    assert_eq!(checked.update_lines[0].description.as_deref(), Some("Consulting"));

    let refused = |changes: DraftChanges| match draft_changes(&Fake, &detail, &changes, NOW) {
        Err(Error::Validation(message)) => message,
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert!(refused(DraftChanges::default()).contains("nothing"));
    assert!(refused(DraftChanges { remove_line_ids: vec!["il_9".into()], ..DraftChanges::default() }).contains("no line"));
    assert!(refused(DraftChanges { remove_line_ids: vec!["il_1".into()], ..DraftChanges::default() }).contains("at least one"));
    assert!(refused(DraftChanges { remove_line_ids: vec!["il_1".into(), "il_1".into()], ..DraftChanges::default() })
        .contains("named twice"));
    assert!(refused(DraftChanges {
        remove_line_ids: vec!["il_1".into()],
        update_lines: vec![LineChange { line_id: "il_1".into(), description: Some("x".into()), quantity: None, unit_amount: None }],
        ..DraftChanges::default()
    })
    .contains("named twice"));
    assert!(refused(DraftChanges {
        collection_method: Some(CollectionMethod::ChargeAutomatically),
        days_until_due: Some(10),
        ..DraftChanges::default()
    })
    .contains("only apply"));
    let mut open = draft();
    open.can_edit = false;
    open.status = "open".into();
    assert!(matches!(draft_changes(&Fake, &open, &change, NOW), Err(Error::Validation(_))));
}
