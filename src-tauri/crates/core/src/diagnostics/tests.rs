//! The report on a seeded account: what it says, and that none of the secrets, names,
//! e-mails or amounts planted in the account, its cache, its errors and the log reach it.

use serde_json::json;
use stripe_sim::{SimConfig, Simulator};

use super::*;
use crate::accounts::NewAccount;
use crate::journal::{self, OperationKind};
use crate::logging::LOG_FILE_PREFIX;
use crate::secrets::{Keychain, Secret};
use crate::store::{FetchedChildren, SyncState};
use crate::ErrorCode;

const KEY: &str = "sk_test_51DiagnosticsMustNeverShow00009z9z";
const HOOK: &str = "whsec_diagnosticsneversee1";
const ACCOUNT_NAME: &str = "Ferris Summit 2027";
const CUSTOMER_NAME: &str = "Ada Lovelace";
const EMAIL: &str = "ada@ferris.example";
const AMOUNT: &str = "987654";

fn environment(data: &Path, logs: &Path) -> Environment {
    Environment {
        app_version: "9.8.7-test".into(),
        components: vec![("Tauri".into(), "2.99.0".into())],
        data_dir: data.to_path_buf(),
        log_dir: logs.to_path_buf(),
        listener_address: None,
    }
}

/// A customer with a name and e-mail and an invoice of [`AMOUNT`] cents in the account's cache.
fn seed_cache(core: &Billfold, account_id: &str) {
    let customer = json!({"id": "cus_Diag1", "object": "customer", "name": CUSTOMER_NAME, "email": EMAIL,
                          "currency": "eur", "balance": 0, "delinquent": false, "created": 100});
    let invoice = json!({"id": "in_Diag1", "object": "invoice", "customer": "cus_Diag1", "status": "open",
                         "currency": "eur", "number": "DIAG-0001", "total": 987654, "amount_due": 987654,
                         "amount_paid": 0, "amount_remaining": 987654, "due_date": null, "created": 100,
                         "customer_name": CUSTOMER_NAME, "customer_email": EMAIL,
                         "lines": {"object": "list", "data": [], "has_more": false}});
    let events = [
        json!({"id": "evt_d1", "object": "event", "type": "customer.created", "created": 100, "data": {"object": customer}}),
        json!({"id": "evt_d2", "object": "event", "type": "invoice.created", "created": 101, "data": {"object": invoice}}),
    ];
    core.store()
        .cache_write(account_id, |tx| {
            for event in &events {
                tx.apply_event(event, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

/// A log file with an INFO line naming the customer and WARN/ERROR lines full of things to scrub.
fn seed_log(logs: &Path, account_id: &str) {
    let text = format!(
        "2026-11-23T10:00:00.000001Z  INFO billfold_core::sync: synced customer {CUSTOMER_NAME}\n\
         2026-11-23T10:00:01.000001Z  WARN billfold_core::sync::scheduler: sync failed account={account_id} failures=3 \
         err=Stripe rejected the API key: Invalid API Key provided: {KEY}\n\
         2026-11-23T10:00:02.000001Z ERROR billfold_core::listener::server: cannot store a webhook event \
         slug=\"ferris-summit-2027\" error=customer \"{CUSTOMER_NAME}\" <{EMAIL}> owes {AMOUNT}, secret {HOOK}\n"
    );
    std::fs::create_dir_all(logs).unwrap();
    std::fs::write(logs.join(format!("{LOG_FILE_PREFIX}.2026-11-23")), text).unwrap();
}

fn assert_holds_nothing_private(report: &str) {
    for private in [
        KEY,
        "DiagnosticsMustNever",
        HOOK,
        "diagnosticsneversee",
        ACCOUNT_NAME,
        CUSTOMER_NAME,
        "Lovelace",
        EMAIL,
        AMOUNT,
    ] {
        assert!(!report.contains(private), "{private} is in the report:\n{report}");
    }
}

#[tokio::test]
async fn diagnostics_report_says_what_is_going_on_and_holds_nothing_private() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let logs = data.path().join("logs");
    let core = Billfold::open(data.path(), Keychain::with_store(keyring_core::mock::Store::new().unwrap())).unwrap();
    let added = core
        .add_account(NewAccount {
            name: ACCOUNT_NAME.into(),
            secret_key: Secret::new(KEY),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: Some(Secret::new(HOOK)),
        })
        .await
        .unwrap();
    seed_cache(&core, &added.id);
    let failure = format!(
        "Stripe rejected the API key of '{ACCOUNT_NAME}': Invalid API Key provided: {KEY} (customer {EMAIL}, {AMOUNT})"
    );
    core.store().record_sync_attempt(&added.id, SyncState::Syncing).unwrap();
    core.store().record_sync_failure(&added.id, &failure, SyncState::Failing).unwrap();
    let input = json!({"customer_name": CUSTOMER_NAME, "email": EMAIL, "amount": 987654});
    journal::begin(core.store(), &added.id, OperationKind::IssueInvoice, input).unwrap();
    seed_log(&logs, &added.id);

    let mut env = environment(data.path(), &logs);
    env.listener_address = Some("127.0.0.1:4243".into());
    let report = report(&env, Ok(&core));

    for expected in [
        "Billfold: 9.8.7-test",
        "Tauri: 2.99.0",
        &format!("OS: {} {}", std::env::consts::OS, std::env::consts::ARCH),
        &format!("Data folder: {}", data.path().display()),
        &format!("Log folder: {}", logs.display()),
        &format!("schema {SCHEMA_VERSION} (this build writes schema {SCHEMA_VERSION})"),
        "Poll interval: 60 s",
        "Webhook listener: disabled, running on 127.0.0.1:4243",
        "Accounts (1)",
        "- ferris-summit-2027 (active): test mode, demo: no, API: custom API base, webhook secret: yes",
        "  sync: failing, last attempt 20",
        "last success never, objects synced 2, next poll not scheduled",
        "  last error: Stripe rejected the API key of '[account ferris-summit-2027]': Invalid API Key provided: [secret] (customer [email], [number])",
        "Unfinished operations: 1",
        "- issue_invoice on ferris-summit-2027, at step 0",
        "2026-11-23T10:00:01.000001Z WARN billfold_core::sync::scheduler: sync failed account=",
        "err=Stripe rejected the API key: Invalid API Key provided: [secret]",
        "ERROR billfold_core::listener::server: cannot store a webhook event slug=\"ferris-summit-2027\" error=customer \"[…]\" <[email]> owes [number], secret [secret]",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
    assert!(!report.contains("synced customer"), "INFO lines are left out:\n{report}");
    assert_holds_nothing_private(&report);
}

#[test]
fn diagnostics_report_without_a_database_says_why_it_could_not_start() {
    let data = tempfile::tempdir().unwrap();
    let logs = data.path().join("logs");
    let failed = ErrorPayload {
        code: ErrorCode::StoreNewerVersion,
        message: "This database was written by a newer version of Billfold (schema 99, this version knows up to 7)."
            .into(),
    };
    let report = report(&environment(data.path(), &logs), Err(&failed));
    assert!(
        report.contains("Start-up: failed (StoreNewerVersion): This database was written by a newer version"),
        "{report}"
    );
    assert!(report.contains(&format!("{DATABASE_FILE} not created yet")), "{report}");
    assert!(report.contains("== Recent warnings and errors"), "{report}");
    assert!(report.ends_with("(none)\n"), "{report}");
    assert!(!report.contains("== Accounts"), "{report}");
}

#[test]
fn diagnostics_reads_the_distribution_from_os_release() {
    let text = "NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nID=ubuntu\n";
    assert_eq!(pretty_name(text).as_deref(), Some("Ubuntu 24.04.1 LTS"));
    assert_eq!(pretty_name("ID=arch\nPRETTY_NAME=Arch Linux\n").as_deref(), Some("Arch Linux"));
    assert_eq!(pretty_name("ID=x\n"), None);
}
