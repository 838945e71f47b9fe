//! The subscription lifecycle (trial → active → failed renewal → past_due → recovered),
//! driven by Stripe's official Python SDK against the emulator. `make test` installs the SDK
//! into `tests/.venv` and points `BILLFOLD_PYTHON` at it.

mod common;

use stripe_sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_walks_a_subscription_from_trial_to_recovery() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let output = common::run_python("subscription_lifecycle.py", vec![sim.base_url().to_string()]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the Python SDK saw a mismatch (see MISMATCH above)");
    assert!(stdout.contains("subscription lifecycle matches"));
}
