//! A purchase order's invoice credited against a real stripe-sim: the PO lists the credit
//! notes, counts the non-void ones in its balance (list, detail and aging alike), stops
//! counting a voided one, and is paid once payments and credit notes cover its total, whether
//! the customer pays the rest in Stripe or a cheque recorded here does.

mod po_support;

use billfold_core::credit_notes::{CreditNoteInput, CreditReason};
use billfold_core::po::{
    NewPayment, PaymentMethod, PoListQuery, PoStatus, PoSummary, PurchaseOrder,
};
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use po_support::{control, customer_pays, get, open_with_account, po, sim, unique_key};

fn credit(invoice_id: &str, amount: i64, memo: &str) -> CreditNoteInput {
    CreditNoteInput {
        invoice_id: invoice_id.into(),
        amount: Some(amount),
        lines: Vec::new(),
        reason: Some(CreditReason::OrderChange),
        memo: Some(memo.into()),
        refund_amount: 0,
        credit_amount: 0,
        out_of_band_amount: 0,
    }
}

/// The PO's row in the list, sorted by balance.
fn listed(app: &Billfold, account: &str, po_id: &str) -> PoSummary {
    let query = PoListQuery {
        sort: Some("balance".into()),
        limit: 50,
        ..PoListQuery::default()
    };
    let page = app.list_purchase_orders(account, &query).unwrap();
    page.rows.into_iter().find(|row| row.id == po_id).unwrap()
}

/// The (old, new) values of the PO's `credited` audit rows, oldest first.
fn credited_audit(po: &PurchaseOrder) -> Vec<(String, String)> {
    po.audit
        .iter()
        .rev()
        .filter(|entry| entry.action == "credited")
        .map(|entry| {
            (
                entry.old_value.clone().unwrap_or_default(),
                entry.new_value.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn credit_notes_count_in_a_pos_balance_until_voided_and_the_rest_paid_makes_it_paid() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;

    // One line of 2 × 1,250.00 = 2,500.00 EUR, due in 14 days.
    let draft = app
        .create_purchase_order(&account, po("PO-CN-1", "ap@acme.test", 1))
        .unwrap();
    let id = draft.summary.id.clone();
    let issued = app.issue_purchase_order(&account, &id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    app.sync_once(&account, &NoObserver).await.unwrap();
    assert!(issued.credit_notes.is_empty());
    assert_eq!(
        (issued.summary.credited, issued.summary.balance),
        (0, 250_000)
    );

    // 100.00 credited on the open invoice: the PO owes 2,400.00 everywhere, nothing is paid.
    let first = app
        .create_credit_note(&account, credit(&invoice_id, 10_000, "Late delivery"))
        .await
        .unwrap();
    let credited = app.purchase_order(&account, &id).unwrap();
    assert_eq!(credited.summary.status, PoStatus::Invoiced);
    assert_eq!(
        (
            credited.summary.paid,
            credited.summary.credited,
            credited.summary.balance
        ),
        (0, 10_000, 240_000)
    );
    assert_eq!(credited.credit_notes.len(), 1);
    let note = &credited.credit_notes[0];
    assert_eq!(
        (note.id.as_str(), note.number.clone()),
        (first.id.as_str(), first.number.clone())
    );
    assert_eq!((note.total, note.status.as_str()), (10_000, "issued"));
    assert_eq!(note.reason.as_deref(), Some("order_change"));
    assert_eq!(note.memo.as_deref(), Some("Late delivery"));
    assert_eq!(
        credited_audit(&credited),
        vec![("0.00".into(), "100.00".into())]
    );
    let row = listed(&app, &account, &id);
    assert_eq!((row.credited, row.balance), (10_000, 240_000));
    let aging = app.aging_summary(&account).unwrap();
    assert_eq!((aging[0].current, aging[0].total), (240_000, 240_000));
    // The customer's view of the PO owes the same.
    let customer = note.customer_id.clone().expect("the credit note names the customer");
    let seen = app.customer_detail(&account, &customer).unwrap();
    assert_eq!(seen.purchase_orders.iter().map(|po| po.balance).collect::<Vec<_>>(), vec![240_000]);

    // Voided, it stops counting but stays listed, as void.
    let void = app.void_credit_note(&account, &first.id).await.unwrap();
    assert_eq!(void.status, "void");
    let voided = app.purchase_order(&account, &id).unwrap();
    assert_eq!(
        (voided.summary.credited, voided.summary.balance),
        (0, 250_000)
    );
    assert_eq!(voided.credit_notes.len(), 1);
    assert_eq!(voided.credit_notes[0].status, "void");
    assert_eq!(
        credited_audit(&voided),
        vec![
            ("0.00".into(), "100.00".into()),
            ("100.00".into(), "0.00".into())
        ]
    );
    assert_eq!(listed(&app, &account, &id).balance, 250_000);
    assert_eq!(app.aging_summary(&account).unwrap()[0].total, 250_000);

    // A minute later 500.00 is credited, and the customer pays the 2,000.00 left in Stripe.
    control(&sim, "/_sim/clock/advance", r#"{"seconds": 60}"#).await;
    let second = app
        .create_credit_note(&account, credit(&invoice_id, 50_000, "Two seats returned"))
        .await
        .unwrap();
    assert_eq!(
        app.purchase_order(&account, &id).unwrap().summary.balance,
        200_000
    );
    let invoice = get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(invoice["amount_remaining"], 200_000);
    customer_pays(&sim, &invoice_id, 200_000, "card").await;
    app.sync_once(&account, &NoObserver).await.unwrap();

    let paid = app.purchase_order(&account, &id).unwrap();
    assert_eq!(paid.summary.status, PoStatus::Paid);
    assert_eq!(paid.summary.invoice_status.as_deref(), Some("paid"));
    assert_eq!(
        (
            paid.summary.paid,
            paid.summary.credited,
            paid.summary.balance,
            paid.overpaid
        ),
        (200_000, 50_000, 0, 0)
    );
    let notes: Vec<(&str, &str)> = paid
        .credit_notes
        .iter()
        .map(|note| (note.id.as_str(), note.status.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![(second.id.as_str(), "issued"), (first.id.as_str(), "void")],
        "newest first"
    );
    assert!(!paid.summary.overdue);
    let row = listed(&app, &account, &id);
    assert_eq!(
        (row.status, row.credited, row.balance),
        (PoStatus::Paid, 50_000, 0)
    );
    assert!(
        app.aging_summary(&account).unwrap().is_empty(),
        "nothing is open"
    );
}

#[tokio::test]
async fn a_cheque_for_what_a_credit_note_left_completes_the_po_and_marks_the_invoice_paid() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let draft = app
        .create_purchase_order(&account, po("PO-CN-2", "ap@acme.test", 1))
        .unwrap();
    let id = draft.summary.id.clone();
    let issued = app.issue_purchase_order(&account, &id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    app.sync_once(&account, &NoObserver).await.unwrap();
    app.create_credit_note(&account, credit(&invoice_id, 50_000, "Two seats returned"))
        .await
        .unwrap();

    // 2,000.00 of 2,500.00 by cheque: with the 500.00 credited nothing is owed.
    let cheque = NewPayment {
        amount: "2,000.00".into(),
        method: PaymentMethod::Check,
        reference: Some("CHK-9".into()),
        received_on: "2026-03-01".into(),
        note: None,
    };
    let paid = app.record_po_payment(&account, &id, cheque).await.unwrap();
    assert_eq!(paid.summary.status, PoStatus::Paid);
    assert_eq!(
        (
            paid.summary.paid,
            paid.summary.credited,
            paid.summary.balance,
            paid.overpaid
        ),
        (200_000, 50_000, 0, 0)
    );
    assert!(paid
        .audit
        .iter()
        .any(|entry| entry.action == "paid_out_of_band"));
    let invoice = get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(
        invoice["status"], "paid",
        "the cheque completed it in Stripe too"
    );

    // Sync sees the invoice paid and does not count the cheque twice.
    app.sync_once(&account, &NoObserver).await.unwrap();
    let synced = app.purchase_order(&account, &id).unwrap();
    assert_eq!(synced.payments.len(), 1);
    assert_eq!(
        (synced.summary.status, synced.summary.balance),
        (PoStatus::Paid, 0)
    );
}
