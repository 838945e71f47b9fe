//! An emulator without the rate limit and a Billfold with one account on it (mock keychain),
//! for tests that drive operations against stripe-sim.

use billfold_core::accounts::NewAccount;
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::Billfold;
use stripe_sim::{SimConfig, Simulator};

/// stripe-sim on loopback, with no rate limit (the tests count requests, not wait for them).
pub async fn sim() -> Simulator {
    Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap()
}

/// Opens Billfold on `dir` and adds the account `name` with `key` on `sim`; answers its id.
pub async fn open_with_account(dir: &std::path::Path, sim: &Simulator, key: &str, name: &str) -> (Billfold, String) {
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir, keychain).unwrap();
    let account = app
        .add_account(NewAccount {
            name: name.into(),
            secret_key: Secret::new(key),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    (app, account.id)
}
