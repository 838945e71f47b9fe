//! A second account with twenty thousand purchase orders in every state, for the PO list.
//!
//! Drafts come from one CSV import (no Stripe requests); a few hundred are issued on their own
//! emulator whose clock starts sixty days back, so their invoices fall due in the past and the
//! list has overdue rows; some of those are paid in full or in part, some drafts cancelled.

use std::time::Instant;

use billfold_core::accounts::NewAccount;
use billfold_core::po::{NewPayment, PaymentMethod, PoListQuery, PoStatus};
use billfold_core::secrets::Secret;
use billfold_core::Billfold;

use crate::sim::Sim;

/// Organizations' first words; "Acme" is the benchmark's many-matches search.
const ORGANIZATIONS: &[&str] = &[
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
    "Soylent",
];
const FORMS: &[&str] = &["GmbH", "Ltd", "Inc", "SARL", "BV", "AB"];
const HEADER: &str = "po_number,organization,contact_name,contact_email,billing_address,currency,payment_terms_days,notes,description,quantity,unit_price";

/// How many POs of each kind [`fill`] makes.
pub struct Mix {
    /// POs in all.
    pub total: usize,
    /// Issued as Stripe invoices (due in the past).
    pub issued: usize,
    /// Of those, paid in full.
    pub paid: usize,
    /// Of those, paid in part.
    pub partly_paid: usize,
    /// Drafts cancelled.
    pub cancelled: usize,
}

/// Adds an account on `sim` (whose clock must not have started yet) to `app` and fills it
/// with `mix`; the account id and how long it took.
pub async fn fill(app: &Billfold, sim: &Sim, mix: &Mix) -> (String, f64) {
    let started = Instant::now();
    // Due dates come from Stripe's invoices: sixty days back, net 14 is overdue today.
    sim.control("/_sim/clock/start", r#"{"seconds_ago": 5184000}"#)
        .await;
    let account = app
        .add_account(NewAccount {
            name: "Purchase orders".into(),
            secret_key: Secret::new("sk_test_51BillfoldBenchmarkPurchaseOrders03"),
            default_currency: "eur".into(),
            api_base: Some(sim.api_base()),
            webhook_secret: None,
        })
        .await
        .unwrap()
        .id;
    let mut csv = format!("{HEADER}\n");
    for n in 0..mix.total {
        let organization = ORGANIZATIONS[n % ORGANIZATIONS.len()];
        let form = FORMS[n % FORMS.len()];
        csv.push_str(&format!(
            "PO-{n:06},{organization} {form} {n},Ada Lovelace,ap{n}@{}.example,,,14,,Conference tickets,{},{}.00\n",
            organization.to_ascii_lowercase(),
            1 + n % 5,
            100 + n % 900
        ));
    }
    let report = app.import_purchase_orders_csv(&account, &csv).unwrap();
    assert_eq!(
        (report.imported as usize, report.errors.len()),
        (mix.total, 0)
    );

    let drafts = |search: &str| {
        app.list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some(search.into()),
                status: Some(PoStatus::Draft),
                limit: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .rows
        .into_iter()
        .next()
        .map(|row| row.id)
        .expect("the PO is a draft")
    };
    for n in 0..mix.issued {
        let id = drafts(&format!("PO-{n:06}"));
        let issued = app.issue_purchase_order(&account, &id).await.unwrap();
        let amount = if n < mix.paid {
            issued.summary.total
        } else if n < mix.paid + mix.partly_paid {
            issued.summary.total / 2
        } else {
            continue;
        };
        app.record_po_payment(
            &account,
            &id,
            NewPayment {
                amount: format!("{}.{:02}", amount / 100, amount % 100),
                method: PaymentMethod::Wire,
                reference: Some(format!("WIRE-{n}")),
                received_on: chrono::Utc::now().format("%Y-%m-%d").to_string(),
                note: None,
            },
        )
        .await
        .unwrap();
    }
    for n in 0..mix.cancelled {
        let id = drafts(&format!("PO-{:06}", mix.total - 1 - n));
        app.cancel_purchase_order(&account, &id).await.unwrap();
    }
    (account, started.elapsed().as_secs_f64())
}
