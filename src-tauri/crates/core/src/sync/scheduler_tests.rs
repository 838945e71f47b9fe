//! The scheduler against stripe-sim: an account added while it runs syncs at once.

use std::sync::Arc;
use std::time::Duration;

use stripe_sim::{SimConfig, Simulator};

use crate::accounts::NewAccount;
use crate::secrets::{Keychain, Secret};
use crate::sync::NoObserver;
use crate::Billfold;

const KEY: &str = "sk_test_51BillfoldSchedulerTest000000000Key4f2a";

#[tokio::test]
async fn an_added_account_syncs_at_once_not_at_the_supervisors_next_look() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    sim.generate(KEY, 3, 3, 7).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain).unwrap();
    // The supervisor looks once now (no accounts yet), then not again for this test's life.
    app.sync_runtime()
        .set_supervise_every(Duration::from_secs(3600));
    app.start_sync(Arc::new(NoObserver)).unwrap();
    tokio::task::yield_now().await;

    let view = app
        .add_account(NewAccount {
            name: "EuroRust 2027".into(),
            secret_key: Secret::new(KEY),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();

    for _ in 0..600 {
        if app
            .store()
            .sync_status(&view.id)
            .unwrap()
            .last_success_at
            .is_some()
        {
            assert_eq!(app.store().cached_count(&view.id, "customers").unwrap(), 3);
            app.stop_sync();
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the new account was not synced");
}
