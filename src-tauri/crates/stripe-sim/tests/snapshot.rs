//! A snapshot file carries an emulator's accounts and clock into a new one.

mod common;

use stripe_billing::invoice::{FinalizeInvoiceInvoice, ListInvoice};
use stripe_core::customer::{CreateCustomer, ListCustomer};
use stripe_core::event::ListEvent;
use stripe_sim::demo::DEMO_ACCOUNTS;
use stripe_sim::{SimConfig, Simulator};

#[tokio::test]
async fn a_restarted_emulator_carries_on_from_its_snapshot() {
    let dir = std::env::temp_dir().join(format!("stripe-sim-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let config = || SimConfig { rate_limit_per_sec: None, ..SimConfig::default() };

    let first = Simulator::start(config()).await.unwrap();
    first.seed_demo().await.unwrap();
    let key = DEMO_ACCOUNTS[0].key;
    let client = common::client(&first, key);
    let customers_before = ListCustomer::new().limit(100).send(&client).await.unwrap().data.len();
    let events_before = ListEvent::new().limit(100).send(&client).await.unwrap().data.len();
    let clock_before = common::raw_json_get(&first, "/_sim/clock").await["now"].as_i64().unwrap();
    first.save_snapshot(&file).unwrap();
    drop(first);

    let second = Simulator::start(config()).await.unwrap();
    second.load_snapshot(&file).unwrap();
    let client = common::client(&second, key);
    assert_eq!(ListCustomer::new().limit(100).send(&client).await.unwrap().data.len(), customers_before);
    assert_eq!(ListEvent::new().limit(100).send(&client).await.unwrap().data.len(), events_before);
    let clock_after = common::raw_json_get(&second, "/_sim/clock").await["now"].as_i64().unwrap();
    assert!(clock_after >= clock_before, "the simulated clock kept its advance");

    // State machines carry on: a draft left by the demo can be finalized, and numbering continues.
    let invoices = ListInvoice::new().limit(100).send(&client).await.unwrap();
    let numbers: Vec<String> = invoices.data.iter().filter_map(|i| i.number.clone()).collect();
    let draft = invoices.data.iter().find(|i| i.status.as_ref().is_some_and(|s| s.as_str() == "draft")).unwrap();
    let finalized = FinalizeInvoiceInvoice::new(draft.id.clone().unwrap()).send(&client).await.unwrap();
    let number = finalized.number.unwrap();
    assert!(!numbers.contains(&number), "{number} was already used");
    CreateCustomer::new().email("after@restart.example").send(&client).await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
