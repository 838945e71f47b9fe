//! The real log file never holds a secret, whatever path an account takes.

use billfold_core::accounts::NewAccount;
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::{logging, Billfold};
use stripe_sim::{SimConfig, Simulator};

const KEY: &str = "sk_test_51LoggingMustNeverShowThisKey99";
const HOOK: &str = "whsec_loggingneversees1";

#[tokio::test]
async fn adding_failing_and_removing_accounts_logs_no_secret() {
    let logs = tempfile::tempdir().unwrap();
    let guard = logging::init(logs.path()).unwrap();
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let app = Billfold::open(data.path(), Keychain::with_store(keyring_core::mock::Store::new().unwrap())).unwrap();
    let input = |key: &str| NewAccount {
        name: "Logged".into(),
        secret_key: Secret::new(key),
        default_currency: "usd".into(),
        api_base: Some(sim.base_url().into()),
        webhook_secret: Some(Secret::new(HOOK)),
    };
    let added = app.add_account(input(KEY)).await.unwrap();
    tracing::info!(input = ?input(KEY), "an input struct logged with Debug");
    let refused = app.add_account(input("sk_test_51RefusedKeyNeverLogged")).await;
    tracing::warn!(error = %refused.unwrap_err(), "refused");
    app.remove_account(&added.id).await.unwrap();
    drop(guard); // flushes the file writer

    let mut text = String::new();
    for entry in std::fs::read_dir(logs.path()).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(text.contains("account added"), "the log file was written: {text}");
    assert!(text.contains("<redacted>"), "the Debug of the input was logged, redacted: {text}");
    for secret in [KEY, HOOK, "sk_test_51RefusedKeyNeverLogged", "LoggingMustNever", "RefusedKeyNever"] {
        assert!(!text.contains(secret), "{secret} leaked into the log");
    }
}
