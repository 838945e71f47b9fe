//! The demo: two accounts on the in-process emulator, registered and synced like real ones;
//! a change survives a restart (snapshot, new port); reset brings the initial data back;
//! remove leaves nothing in the database, the keychain or the data folder; simulations act
//! only on demo accounts. Real SQLite files and the mock keychain store.

use billfold_core::accounts::NewAccount;
use billfold_core::demo::{SimulateAction, DEMO_DIR, SNAPSHOT_FILE};
use billfold_core::invoices::InvoiceActionKind;
use billfold_core::secrets::{Keychain, Secret, SecretKind};
use billfold_core::store::{InvoiceRow, ListQuery};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use stripe_sim::demo::DEMO_ACCOUNTS;
use stripe_sim::{SimConfig, Simulator};

const REAL_KEY: &str = "sk_test_51RealAccountNextToTheDemo00000c0de";

fn query(status: Option<&str>) -> ListQuery {
    ListQuery {
        search: None,
        status: status.map(str::to_string),
        sort: None,
        descending: true,
        offset: 0,
        limit: 500,
        after: None,
    }
}

fn invoices(app: &Billfold, account_id: &str, status: Option<&str>) -> Vec<InvoiceRow> {
    app.list_invoices(account_id, &query(status)).unwrap().rows
}

async fn synced(app: &Billfold, account_id: &str) {
    let report = app.sync_once(account_id, &NoObserver).await.unwrap();
    assert!(!report.cancelled);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_registers_two_accounts_that_sync_like_real_ones() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain.clone()).unwrap();

    let demo = app.start_demo().await.unwrap();
    assert_eq!(demo.len(), 2);
    assert_eq!(demo[0].name, DEMO_ACCOUNTS[0].name);
    assert_eq!(demo[1].name, DEMO_ACCOUNTS[1].name);
    assert!(demo
        .iter()
        .all(|account| account.is_demo && account.mode == billfold_core::accounts::Mode::Test));
    assert_eq!(
        app.overview().unwrap().active_account_id.as_deref(),
        Some(demo[0].id.as_str())
    );
    for (view, seeded) in demo.iter().zip(DEMO_ACCOUNTS) {
        // Keys follow the keychain rule of every account: stored there, shown masked.
        assert_eq!(
            keychain
                .get(&view.id, SecretKind::ApiKey)
                .unwrap()
                .unwrap()
                .expose(),
            seeded.key
        );
        assert!(!view.masked_key.contains(seeded.key));
        assert!(
            view.api_base.starts_with("http://127.0.0.1:"),
            "{}",
            view.api_base
        );
        assert_eq!(
            view.slug, seeded.slug,
            "the slug the PO invoices' metadata names"
        );
    }
    assert!(
        dir.path().join(DEMO_DIR).join(SNAPSHOT_FILE).exists(),
        "the emulator was saved"
    );

    // The first sync, started by start_demo, fills each cache through the normal sync.
    for account in &demo {
        synced(&app, &account.id).await;
        let rows = invoices(&app, &account.id, None);
        let statuses: std::collections::BTreeSet<&str> =
            rows.iter().map(|row| row.status.as_str()).collect();
        for status in ["draft", "open", "paid", "void", "uncollectible"] {
            assert!(
                statuses.contains(status),
                "{}: no {status} invoice in {statuses:?}",
                account.name
            );
        }
        // Its purchase orders come back from the invoices' metadata, two of them overdue by
        // the real calendar (the seeded history ends today).
        let pos = app
            .list_purchase_orders(&account.id, &billfold_core::po::PoListQuery { limit: 100, ..Default::default() })
            .unwrap();
        assert!(pos.total >= 8, "{}: {} purchase orders", account.name, pos.total);
        let overdue: Vec<&str> = pos.rows.iter().filter(|po| po.overdue).map(|po| po.po_number.as_str()).collect();
        assert!(overdue.len() >= 2, "{}: overdue {overdue:?} of {:?}", account.name, pos.rows.iter().map(|po| (&po.po_number, po.status, &po.due_date)).collect::<Vec<_>>());
        let customers = app.list_customers(&account.id, &query(None)).unwrap();
        assert!(
            customers.total >= 8,
            "{}: {} customers",
            account.name,
            customers.total
        );
        assert!(app
            .sync_status(&account.id)
            .unwrap()
            .last_success_at
            .is_some());
    }
    // Each conference sees only its own data.
    let currencies = |id: &str| {
        invoices(&app, id, None)
            .iter()
            .map(|r| r.currency.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        currencies(&demo[0].id).into_iter().collect::<Vec<_>>(),
        vec![DEMO_ACCOUNTS[0].currency.to_string()]
    );
    assert_eq!(
        currencies(&demo[1].id).into_iter().collect::<Vec<_>>(),
        vec![DEMO_ACCOUNTS[1].currency.to_string()]
    );

    // Starting again is harmless: the same accounts, the first one active again.
    app.switch_account(&demo[1].id).unwrap();
    let again = app.start_demo().await.unwrap();
    assert_eq!(
        again.iter().map(|a| &a.id).collect::<Vec<_>>(),
        demo.iter().map(|a| &a.id).collect::<Vec<_>>()
    );
    assert_eq!(
        app.overview().unwrap().active_account_id.as_deref(),
        Some(demo[0].id.as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_survives_a_restart_on_a_new_port_and_reset_undoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let (account_id, invoice_id, old_base) = {
        let app = Billfold::open(dir.path(), keychain.clone()).unwrap();
        let demo = app.start_demo().await.unwrap();
        let id = demo[0].id.clone();
        synced(&app, &id).await;
        let open = invoices(&app, &id, Some("open"));
        let invoice = open
            .iter()
            .find(|row| row.amount_paid == 0)
            .expect("an unpaid open invoice")
            .clone();
        app.simulate(
            &id,
            SimulateAction::PayInvoice {
                invoice_id: invoice.id.clone(),
                amount: None,
            },
        )
        .await
        .unwrap();
        synced(&app, &id).await;
        let paid = invoices(&app, &id, Some("paid"));
        assert!(
            paid.iter().any(|row| row.id == invoice.id),
            "the payment synced"
        );
        (id, invoice.id, demo[0].api_base.clone())
        // The app quits here: the emulator stops with it.
    };

    let app = Billfold::open(dir.path(), keychain.clone()).unwrap();
    assert!(app.resume_demo().await.unwrap());
    let base = app.demo_api_base().await.unwrap();
    assert_ne!(base, old_base, "a new port");
    let accounts = app.list_accounts().unwrap();
    assert!(
        accounts
            .iter()
            .filter(|a| a.is_demo)
            .all(|a| a.api_base == base),
        "demo accounts follow the emulator"
    );
    // A change made in the emulator after the restart shows that it carries the old state on.
    app.simulate(&account_id, SimulateAction::AdvanceClock { days: 7 })
        .await
        .unwrap();
    synced(&app, &account_id).await;
    assert_eq!(app.sync_status(&account_id).unwrap().last_error, None);
    let paid = invoices(&app, &account_id, Some("paid"));
    assert!(
        paid.iter().any(|row| row.id == invoice_id),
        "the payment is still there after the restart"
    );
    // Not only in the cache: the restarted emulator itself has the invoice paid.
    let gateway = app.gateway(&account_id).await.unwrap();
    let in_emulator = gateway
        .get_json(&format!("/v1/invoices/{invoice_id}"), &[])
        .await
        .unwrap();
    assert_eq!(in_emulator["status"], "paid");
    let sim_state = std::fs::read_to_string(dir.path().join(DEMO_DIR).join(SNAPSHOT_FILE)).unwrap();
    assert!(sim_state.contains(&invoice_id));

    // Reset: fresh accounts on freshly seeded data; the old ones are gone.
    let reset = app.reset_demo().await.unwrap();
    assert_eq!(reset.len(), 2);
    assert!(reset.iter().all(|a| a.id != account_id));
    assert!(app
        .list_accounts()
        .unwrap()
        .iter()
        .all(|a| a.id != account_id));
    assert!(keychain
        .get(&account_id, SecretKind::ApiKey)
        .unwrap()
        .is_none());
    assert_eq!(
        app.overview().unwrap().active_account_id.as_deref(),
        Some(reset[0].id.as_str())
    );
    synced(&app, &reset[0].id).await;
    let fresh = invoices(&app, &reset[0].id, None);
    assert!(
        fresh.iter().all(|row| row.id != invoice_id),
        "the reseeded data is new"
    );
    let unpaid_open = invoices(&app, &reset[0].id, Some("open"))
        .iter()
        .filter(|row| row.amount_paid == 0)
        .count();
    assert!(
        unpaid_open >= 2,
        "the initial data again: {unpaid_open} unpaid open invoices"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_the_demo_leaves_no_trace_and_real_accounts_are_untouched() {
    let real_sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain.clone()).unwrap();
    let real = app
        .add_account(NewAccount {
            name: "EuroRust 2027".into(),
            secret_key: Secret::new(REAL_KEY),
            default_currency: "eur".into(),
            api_base: Some(real_sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    assert!(!real.is_demo);

    let demo = app.start_demo().await.unwrap();
    for account in &demo {
        synced(&app, &account.id).await;
    }
    let refused = app
        .simulate(&real.id, SimulateAction::AdvanceClock { days: 7 })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Validation);
    assert!(refused.to_string().contains("demo"), "{refused}");
    assert_eq!(
        real_sim.request_count(),
        1,
        "the real account's emulator saw only the key check"
    );

    app.remove_demo().await.unwrap();
    let left = app.list_accounts().unwrap();
    assert_eq!(
        left.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        vec![real.id.as_str()]
    );
    assert_eq!(
        app.overview().unwrap().active_account_id.as_deref(),
        Some(real.id.as_str())
    );
    assert_eq!(
        keychain
            .get(&real.id, SecretKind::ApiKey)
            .unwrap()
            .unwrap()
            .expose(),
        REAL_KEY
    );
    for account in &demo {
        for kind in [SecretKind::ApiKey, SecretKind::WebhookSecret] {
            assert!(
                keychain.get(&account.id, kind).unwrap().is_none(),
                "{} left a {kind:?}",
                account.name
            );
        }
    }
    assert!(
        !dir.path().join(DEMO_DIR).exists(),
        "the emulator's snapshot is gone"
    );
    assert_eq!(app.demo_api_base().await, None, "the emulator stopped");

    // No row of any table names a demo account or holds demo data.
    let db = rusqlite::Connection::open(dir.path().join("billfold.sqlite3")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() > 10, "{tables:?}");
    for table in &tables {
        let dump: Vec<String> = db
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .unwrap()
            .query_map([], |row| {
                let columns = row.as_ref().column_count();
                Ok((0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for row in dump {
            for account in &demo {
                assert!(
                    !row.contains(&account.id),
                    "{table} still names {}: {row}",
                    account.name
                );
            }
            for seeded in DEMO_ACCOUNTS {
                assert!(
                    !row.contains(seeded.name) && !row.contains("Acme GmbH"),
                    "{table} holds demo data: {row}"
                );
            }
        }
    }
    assert_eq!(
        app.remove_demo().await.map(|_| ()).ok(),
        Some(()),
        "removing twice is harmless"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_simulation_changes_the_demo_and_is_synced() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain).unwrap();
    let demo = app.start_demo().await.unwrap();
    let (first, second) = (&demo[0].id, &demo[1].id);
    synced(&app, first).await;
    synced(&app, second).await;

    // Part of an open invoice, then an id from the other conference, which is refused.
    let open = invoices(&app, first, Some("open"));
    // A purchase-order invoice: larger than the part paid (a membership renewal is not).
    let invoice = open
        .iter()
        .find(|row| row.amount_paid == 0 && row.amount_remaining > 20_000)
        .unwrap()
        .clone();
    app.simulate(
        first,
        SimulateAction::PayInvoice {
            invoice_id: invoice.id.clone(),
            amount: Some(10_000),
        },
    )
    .await
    .unwrap();
    synced(&app, first).await;
    let after = invoices(&app, first, Some("open"))
        .into_iter()
        .find(|row| row.id == invoice.id)
        .unwrap();
    assert_eq!(after.amount_paid, 10_000);
    assert_eq!(after.amount_remaining, invoice.amount_remaining - 10_000);
    let other = invoices(&app, second, Some("open"))[0].id.clone();
    let refused = app
        .simulate(
            first,
            SimulateAction::PayInvoice {
                invoice_id: other,
                amount: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::StripeError, "{refused}");

    // A renewal that fails, and a dispute, on what the menu offers.
    let targets = app.simulation_targets(first).unwrap();
    let subscription = targets
        .subscriptions
        .iter()
        .find(|s| s.status == "active")
        .expect("an active subscription")
        .id
        .clone();
    let charge = targets
        .charges
        .first()
        .expect("a disputable charge")
        .id
        .clone();
    app.simulate(
        first,
        SimulateAction::FailRenewal {
            subscription_id: subscription.clone(),
        },
    )
    .await
    .unwrap();
    app.simulate(
        first,
        SimulateAction::OpenDispute {
            payment_intent_id: None,
            charge_id: Some(charge.clone()),
        },
    )
    .await
    .unwrap();
    synced(&app, first).await;
    let targets = app.simulation_targets(first).unwrap();
    assert_eq!(
        targets
            .subscriptions
            .iter()
            .find(|s| s.id == subscription)
            .map(|s| s.status.as_str()),
        Some("past_due")
    );
    assert!(
        targets.charges.iter().all(|c| c.id != charge),
        "a disputed charge is no longer offered"
    );
    // The customer whose renewal failed updates their card: offered, then the new card is
    // their default and the subscription's, and nothing is paid yet.
    let cached_subscription = |id: &str| {
        app.store()
            .cached_objects(first, "subscriptions")
            .unwrap()
            .into_iter()
            .find(|s| s["id"] == id)
            .unwrap()
    };
    let failing = cached_subscription(&subscription);
    let customer = failing["customer"].as_str().unwrap().to_string();
    assert!(
        targets
            .customers
            .iter()
            .any(|c| c.id == customer && c.status == "past_due"),
        "{:?}",
        targets.customers
    );
    app.simulate(
        first,
        SimulateAction::UpdateCard {
            customer_id: customer.clone(),
        },
    )
    .await
    .unwrap();
    synced(&app, first).await;
    let updated = cached_subscription(&subscription);
    let card = updated["default_payment_method"].as_str().unwrap();
    assert_ne!(Some(card), failing["default_payment_method"].as_str());
    assert_eq!(
        updated["status"], "past_due",
        "updating the card pays nothing"
    );
    let cached_customer = app
        .store()
        .cached_objects(first, "customers")
        .unwrap()
        .into_iter()
        .find(|c| c["id"] == customer.as_str())
        .unwrap();
    assert_eq!(
        cached_customer["invoice_settings"]["default_payment_method"].as_str(),
        Some(card)
    );
    // The dunning queue's retry then charges the new card: the subscription is active again.
    let invoice_id = updated["latest_invoice"].as_str().unwrap();
    let queued = app.dunning_queue(first).unwrap();
    assert!(queued.iter().any(|row| row.invoice_id == invoice_id
        && row.last_failure.as_deref() == Some("Your card was declined.")));
    let paid = app
        .invoice_action(first, invoice_id, InvoiceActionKind::Pay)
        .await
        .unwrap();
    assert_eq!(paid.status, "paid");
    synced(&app, first).await;
    assert_eq!(cached_subscription(&subscription)["status"], "active");
    assert!(app
        .dunning_queue(first)
        .unwrap()
        .iter()
        .all(|row| row.invoice_id != invoice_id));

    let disputes = app.store().cached_objects(first, "disputes").unwrap();
    assert!(disputes
        .iter()
        .any(|d| d["charge"] == charge.as_str() && d["status"] == "needs_response"));

    let twice = app
        .simulate(
            first,
            SimulateAction::OpenDispute {
                payment_intent_id: None,
                charge_id: Some(charge.clone()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(twice.code(), ErrorCode::Validation);

    // The bank decides the new dispute; the demo's own open one stays in the queue.
    let dispute = disputes.iter().find(|d| d["charge"] == charge.as_str()).unwrap()["id"].as_str().unwrap().to_string();
    let targets = app.simulation_targets(first).unwrap();
    assert!(targets.disputes.len() >= 2, "the seeded dispute and the new one: {:?}", targets.disputes);
    assert!(targets.disputes.iter().any(|d| d.id == dispute && d.status == "needs_response"));
    let undecided = app
        .simulate(first, SimulateAction::ResolveDispute { dispute_id: dispute.clone(), outcome: "maybe".into() })
        .await
        .unwrap_err();
    assert_eq!(undecided.code(), ErrorCode::Validation);
    app.simulate(first, SimulateAction::ResolveDispute { dispute_id: dispute.clone(), outcome: "won".into() }).await.unwrap();
    synced(&app, first).await;
    assert_eq!(app.dispute_detail(first, &dispute).unwrap().row.status, "won");
    let targets = app.simulation_targets(first).unwrap();
    assert!(targets.disputes.iter().all(|d| d.id != dispute), "a decided dispute is no longer offered");
    let queue = app.list_disputes(first, &billfold_core::store::ListQuery { search: None, status: Some("needs_response".into()), sort: None, descending: false, offset: 0, limit: 50, after: None }).unwrap();
    assert!(queue.total >= 1, "the demo keeps an open dispute in the queue");
    let again = app
        .simulate(first, SimulateAction::ResolveDispute { dispute_id: dispute, outcome: "lost".into() })
        .await
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Validation);
    let bad_clock = app
        .simulate(first, SimulateAction::AdvanceClock { days: 0 })
        .await
        .unwrap_err();
    assert_eq!(bad_clock.code(), ErrorCode::Validation);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_runs_on_a_computer_without_a_keychain_where_real_accounts_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let app = Billfold::open(dir.path(), Keychain::unavailable()).unwrap();
    let demo = app.start_demo().await.unwrap();
    assert_eq!(demo.len(), 2);
    for account in &demo {
        synced(&app, &account.id).await;
        assert!(!invoices(&app, &account.id, None).is_empty(), "{} synced with its public key", account.name);
    }

    // A real key still needs the keychain: nothing is kept without one.
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let refused = app
        .add_account(NewAccount {
            name: "Real Conf".into(),
            secret_key: Secret::new("sk_test_51RealKeyNeedsAKeychain00000000000000"),
            default_currency: "usd".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::KeychainUnavailable);
    assert_eq!(app.list_accounts().unwrap().len(), 2);

    app.remove_demo().await.unwrap();
    assert!(app.list_accounts().unwrap().is_empty());
}
