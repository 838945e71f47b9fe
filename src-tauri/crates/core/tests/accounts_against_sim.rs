//! Adding, switching and removing accounts against a real stripe-sim on loopback, with a
//! real SQLite file and the mock keychain store.

use billfold_core::accounts::NewAccount;
use billfold_core::secrets::{Keychain, Secret, SecretKind};
use billfold_core::{Billfold, ErrorCode};
use stripe_sim::{Faults, SimConfig, Simulator};

const KEY: &str = "sk_test_51BillfoldAccountsTest0000Key4f2a";

fn new_account(name: &str, key: &str, base: &str) -> NewAccount {
    NewAccount {
        name: name.into(),
        secret_key: Secret::new(key),
        default_currency: "eur".into(),
        api_base: Some(base.into()),
        webhook_secret: Some(Secret::new("whsec_testsigningsecret123")),
    }
}

fn open(dir: &tempfile::TempDir) -> (Billfold, Keychain) {
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    (Billfold::open(dir.path(), keychain.clone()).unwrap(), keychain)
}

#[tokio::test]
async fn a_valid_key_adds_an_active_account_with_secrets_only_in_the_keychain() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, keychain) = open(&dir);

    let view = app.add_account(new_account("RustConf 2027", KEY, sim.base_url())).await.unwrap();
    assert_eq!(view.slug, "rustconf-2027");
    assert_eq!(view.masked_key, "sk_test_…4f2a");
    assert!(view.is_active);
    assert!(view.has_webhook_secret);
    assert_eq!(sim.request_count(), 1, "exactly one API call validates the key");

    assert_eq!(keychain.get(&view.id, SecretKind::ApiKey).unwrap().unwrap().expose(), KEY);
    assert!(keychain.get(&view.id, SecretKind::WebhookSecret).unwrap().is_some());

    let db = std::fs::read(dir.path().join("billfold.sqlite3")).unwrap();
    let wal = std::fs::read(dir.path().join("billfold.sqlite3-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!contains(bytes, KEY.as_bytes()), "the key is in the database");
        assert!(!contains(bytes, b"whsec_testsigningsecret123"), "the webhook secret is in the database");
    }
    let overview = app.overview().unwrap();
    assert_eq!(overview.active_account_id.as_deref(), Some(view.id.as_str()));
    assert_eq!(overview.active_sync_status.unwrap().last_success_at, None);
}

#[tokio::test]
async fn invalid_unreachable_and_rate_limited_are_told_apart_and_save_nothing() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, _keychain) = open(&dir);

    // Well-formed for Billfold, but not a key Stripe (or the emulator) would accept.
    let bad = app.add_account(new_account("A", "sk_test_tooshort12", sim.base_url())).await.unwrap_err();
    assert_eq!(bad.code(), ErrorCode::StripeAuth, "{bad}");
    assert!(bad.to_string().contains("Invalid API Key"), "{bad}");
    assert!(!bad.to_string().contains("tooshort12"), "the error echoes the key: {bad}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_base = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = app.add_account(new_account("B", KEY, &dead_base)).await.unwrap_err();
    assert_eq!(unreachable.code(), ErrorCode::StripeUnreachable, "{unreachable}");

    sim.set_faults(Faults { rate_limit_rate: 1.0, ..Faults::default() });
    let limited = app.add_account(new_account("C", KEY, sim.base_url())).await.unwrap_err();
    assert_eq!(limited.code(), ErrorCode::StripeRateLimited, "{limited}");

    assert!(app.list_accounts().unwrap().is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, _keychain) = open(&dir);
    for (key, currency) in [("pk_test_51Publishable000000000000", "usd"), (KEY, "zzz")] {
        let mut input = new_account("X", key, sim.base_url());
        input.default_currency = currency.into();
        let err = app.add_account(input).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    }
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test]
async fn switch_rename_remove_and_restart() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, keychain) = open(&dir);
    let berlin = app.add_account(new_account("Berlin", KEY, sim.base_url())).await.unwrap();
    let lisbon = app
        .add_account(new_account("Berlin", "sk_test_51SecondAccountKey000000000000", sim.base_url()))
        .await
        .unwrap();
    assert_eq!(lisbon.slug, "berlin-2", "slugs stay unique");
    assert!(!lisbon.is_active, "adding a second account keeps the first active");

    app.switch_account(&lisbon.id).unwrap();
    let renamed = app.rename_account(&lisbon.id, " Lisbon ").unwrap();
    assert_eq!(renamed.name, "Lisbon");
    assert!(renamed.is_active);
    assert_eq!(app.rename_account(&lisbon.id, "").unwrap_err().code(), ErrorCode::Validation);

    // A restart: a new service on the same folder sees the same active account.
    let reopened = Billfold::open(dir.path(), keychain.clone()).unwrap();
    assert_eq!(reopened.overview().unwrap().active_account_id.as_deref(), Some(lisbon.id.as_str()));

    reopened.remove_account(&lisbon.id).await.unwrap();
    assert!(keychain.get(&lisbon.id, SecretKind::ApiKey).unwrap().is_none());
    assert!(keychain.get(&lisbon.id, SecretKind::WebhookSecret).unwrap().is_none());
    let overview = reopened.overview().unwrap();
    assert_eq!(overview.accounts.len(), 1);
    assert_eq!(overview.active_account_id.as_deref(), Some(berlin.id.as_str()), "the other account takes over");
    assert_eq!(reopened.remove_account(&lisbon.id).await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_keychain_failure_leaves_no_account_behind() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = Billfold::open(dir.path(), Keychain::unavailable()).unwrap();
    let err = app.add_account(new_account("A", KEY, sim.base_url())).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(app.list_accounts().unwrap().is_empty());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
