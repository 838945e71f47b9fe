//! Purchase orders after issuing, against a real stripe-sim: partial, out-of-band and
//! over-payments followed by sync, a second desktop rebuilding the POs, cancel and resend.

mod po_support;

use billfold_core::po::{NewPayment, PaymentMethod, PoListQuery, PoStatus};
use billfold_core::sync::NoObserver;
use billfold_core::ErrorCode;
use po_support::{all, customer_pays, get, open_with_account, po, sim, unique_key};

fn payment(amount: &str, method: PaymentMethod, reference: &str) -> NewPayment {
    NewPayment {
        amount: amount.into(),
        method,
        reference: Some(reference.into()),
        received_on: "2026-03-01".into(),
        note: None,
    }
}

fn query() -> PoListQuery {
    PoListQuery {
        limit: 50,
        ..PoListQuery::default()
    }
}

#[tokio::test]
async fn partial_out_of_band_and_over_payments_follow_stripe_and_a_second_desktop_rebuilds_them() {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    app.sync_once(&account, &NoObserver).await.unwrap();

    // 3 lines of 2 × 1,250.00 = 7,500.00 EUR.
    let draft = app
        .create_purchase_order(&account, po("PO-100", "ap@acme.test", 3))
        .unwrap();
    let id = draft.summary.id.clone();
    let issued = app.issue_purchase_order(&account, &id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();

    // The customer pays 3,000.00 by card in Stripe: sync records it as a Stripe payment.
    customer_pays(&sim, &invoice_id, 300_000, "card").await;
    let report = app.sync_once(&account, &NoObserver).await.unwrap();
    assert!(
        report.resources_changed.contains("purchase_orders"),
        "{report:?}"
    );
    let partial = app.purchase_order(&account, &id).unwrap();
    assert_eq!(partial.summary.status, PoStatus::PartiallyPaid);
    assert_eq!(
        (partial.summary.paid, partial.summary.balance),
        (300_000, 450_000)
    );
    assert_eq!(partial.payments.len(), 1);
    assert_eq!(partial.payments[0].method, PaymentMethod::Stripe);
    assert!(partial.payments[0].recorded_in_stripe);
    let kinds: Vec<&str> = partial
        .timeline
        .iter()
        .map(|entry| entry.kind.as_str())
        .collect();
    for kind in ["created", "finalized", "sent", "payment"] {
        assert!(kinds.contains(&kind), "timeline lacks {kind}: {kinds:?}");
    }

    // A cheque for 1,000.00 is recorded here only: Stripe still shows the remainder.
    let before = app.store().request_log_count(&account).unwrap();
    let cheque = app
        .record_po_payment(
            &account,
            &id,
            payment("1,000.00", PaymentMethod::Check, "CHK-1"),
        )
        .await
        .unwrap();
    assert_eq!(
        app.store().request_log_count(&account).unwrap(),
        before,
        "a partial payment stays local"
    );
    assert_eq!(cheque.summary.status, PoStatus::PartiallyPaid);
    assert_eq!(cheque.summary.balance, 350_000);
    assert!(cheque.stripe_shows_remainder);
    assert_eq!(
        get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await["amount_paid"],
        300_000
    );

    // A wire for the rest completes the balance: the invoice is paid out of band in Stripe.
    let wire = app
        .record_po_payment(
            &account,
            &id,
            payment("3,500.00", PaymentMethod::Wire, "WIRE-7"),
        )
        .await
        .unwrap();
    assert_eq!(wire.summary.status, PoStatus::Paid);
    assert_eq!(
        (wire.summary.paid, wire.summary.balance, wire.overpaid),
        (750_000, 0, 0)
    );
    assert!(!wire.stripe_shows_remainder);
    assert!(wire
        .payments
        .iter()
        .all(|payment| payment.recorded_in_stripe));
    let oob = wire
        .audit
        .iter()
        .find(|entry| entry.action == "paid_out_of_band")
        .unwrap();
    assert!(oob
        .stripe_request_id
        .as_deref()
        .is_some_and(|id| id.starts_with("req_")));
    let invoice = get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 750_000);

    // Syncing the paid invoice adds no payment: every cent is explained.
    app.sync_once(&account, &NoObserver).await.unwrap();
    let synced = app.purchase_order(&account, &id).unwrap();
    assert_eq!(synced.payments.len(), 3);
    assert_eq!(
        (synced.summary.paid, synced.summary.status),
        (750_000, PoStatus::Paid)
    );
    assert!(synced.timeline.iter().any(|entry| entry.kind == "paid"));
    let err = app
        .record_po_payment(&account, &id, payment("1.00", PaymentMethod::Check, "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already paid"), "{err}");

    // A bank transfer of 3,000.00 on a 2,500.00 PO: paid, and overpaid by 500.00.
    let small = app
        .create_purchase_order(&account, po("PO-101", "ap@acme.test", 1))
        .unwrap();
    let small_issued = app
        .issue_purchase_order(&account, &small.summary.id)
        .await
        .unwrap();
    customer_pays(
        &sim,
        small_issued.invoice_id.as_deref().unwrap(),
        300_000,
        "bank_transfer",
    )
    .await;
    app.sync_once(&account, &NoObserver).await.unwrap();
    let over = app.purchase_order(&account, &small.summary.id).unwrap();
    assert_eq!(
        (
            over.summary.status,
            over.summary.paid,
            over.overpaid,
            over.summary.balance
        ),
        (PoStatus::Paid, 300_000, 50_000, 0)
    );
    assert!(over.audit.iter().any(|entry| entry.action == "overpaid"));

    // A second desktop syncing the same account rebuilds both POs from invoice metadata and
    // lines; what was paid outside Stripe shows as out-of-band payments.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, other_account) = open_with_account(other_dir.path(), &sim, &key).await;
    other.sync_once(&other_account, &NoObserver).await.unwrap();
    let page = other
        .list_purchase_orders(&other_account, &query())
        .unwrap();
    assert_eq!(page.total, 2);
    let rebuilt = other.purchase_order(&other_account, &id).unwrap();
    assert_eq!(rebuilt.summary.po_number, "PO-100");
    assert_eq!(rebuilt.summary.organization, "Acme GmbH");
    assert_eq!(rebuilt.summary.contact_email, "ap@acme.test");
    assert_eq!(rebuilt.contact_name, "Ada Lovelace");
    assert_eq!(rebuilt.payment_terms_days, 14);
    assert_eq!(
        rebuilt.lines, synced.lines,
        "same lines, quantities and unit amounts"
    );
    assert_eq!(rebuilt.summary.total, 750_000);
    assert_eq!(rebuilt.summary.status, PoStatus::Paid);
    assert_eq!(
        rebuilt.summary.invoice_number,
        synced.summary.invoice_number
    );
    let by_method = |method| {
        rebuilt
            .payments
            .iter()
            .filter(|p| p.method == method)
            .map(|p| p.amount)
            .sum::<i64>()
    };
    assert_eq!(
        by_method(PaymentMethod::Stripe),
        300_000,
        "the card payment Stripe took"
    );
    assert_eq!(
        by_method(PaymentMethod::Other),
        450_000,
        "the cheque and wire, marked paid out of band"
    );
    // The second desktop has no events from before its first sync; its timeline comes from
    // the invoice's status transitions and payments, in order.
    let seen: Vec<&str> = synced.timeline.iter().map(|entry| entry.kind.as_str()).collect();
    assert_eq!(seen.iter().filter(|kind| **kind == "payment").count(), 1, "no step twice: {seen:?}");
    let kinds: Vec<&str> = rebuilt.timeline.iter().map(|entry| entry.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"created"), "{kinds:?}");
    assert!(kinds.contains(&"finalized") && kinds.contains(&"paid"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|kind| **kind == "payment").count(), 1, "the card payment: {kinds:?}");
    assert!(rebuilt.timeline.windows(2).all(|pair| pair[0].at <= pair[1].at));
    assert_eq!(
        rebuilt.timeline.len(),
        synced.timeline.iter().filter(|entry| entry.kind != "sent").count(),
        "the same steps as the desktop that saw the events, but the email: {kinds:?} vs {:?}",
        synced.timeline.iter().map(|entry| entry.kind.as_str()).collect::<Vec<_>>()
    );
    let rebuilt_small = other
        .purchase_order(&other_account, &small.summary.id)
        .unwrap();
    assert_eq!(
        (rebuilt_small.summary.paid, rebuilt_small.overpaid),
        (300_000, 50_000)
    );
    // Syncing again changes nothing.
    other.sync_once(&other_account, &NoObserver).await.unwrap();
    assert_eq!(
        other
            .purchase_order(&other_account, &id)
            .unwrap()
            .payments
            .len(),
        rebuilt.payments.len()
    );
}

#[tokio::test]
async fn cancel_voids_or_stays_local_and_resend_emails_again() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    // The first sync backfills; the events after it make the timeline.
    app.sync_once(&account, &NoObserver).await.unwrap();

    let never_issued = app
        .create_purchase_order(&account, po("PO-1", "ap@acme.test", 1))
        .unwrap();
    let before = app.store().request_log_count(&account).unwrap();
    let cancelled = app
        .cancel_purchase_order(&account, &never_issued.summary.id)
        .await
        .unwrap();
    assert_eq!(cancelled.summary.status, PoStatus::Cancelled);
    assert_eq!(
        app.store().request_log_count(&account).unwrap(),
        before,
        "nothing to tell Stripe"
    );

    let draft = app
        .create_purchase_order(&account, po("PO-2", "ap@acme.test", 1))
        .unwrap();
    let issued = app
        .issue_purchase_order(&account, &draft.summary.id)
        .await
        .unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    let resent = app
        .resend_po_invoice(&account, &draft.summary.id)
        .await
        .unwrap();
    assert!(resent
        .audit
        .iter()
        .any(|entry| entry.action == "resent" && entry.stripe_request_id.is_some()));
    let sent = all(&app, &account, "/v1/events")
        .await
        .into_iter()
        .filter(|event| event["type"] == "invoice.sent")
        .count();
    assert_eq!(sent, 2, "once at finalization, once resent");

    let link = app.po_link(&account, &draft.summary.id, "hosted").unwrap();
    assert!(link.starts_with(sim.base_url()), "{link}");
    assert!(app.po_link(&account, &draft.summary.id, "other").is_err());

    let voided = app
        .cancel_purchase_order(&account, &draft.summary.id)
        .await
        .unwrap();
    assert_eq!(voided.summary.status, PoStatus::Cancelled);
    assert_eq!(voided.summary.invoice_status.as_deref(), Some("void"));
    assert_eq!(
        get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await["status"],
        "void"
    );
    let err = app
        .resend_po_invoice(&account, &draft.summary.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    app.sync_once(&account, &NoObserver).await.unwrap();
    let after_sync = app.purchase_order(&account, &draft.summary.id).unwrap();
    assert_eq!(after_sync.summary.status, PoStatus::Cancelled);
    assert!(after_sync
        .timeline
        .iter()
        .any(|entry| entry.kind == "voided"));
}
