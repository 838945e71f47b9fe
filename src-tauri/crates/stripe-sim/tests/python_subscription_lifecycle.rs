//! The subscription lifecycle (trial → active → failed renewal → past_due → recovered),
//! driven by Stripe's official Python SDK against the emulator. `make test` installs the SDK
//! into `tests/.venv` and points `BILLFOLD_PYTHON` at it.

use std::process::Command;

use stripe_sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_walks_a_subscription_from_trial_to_recovery() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let python = std::env::var("BILLFOLD_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/subscription_lifecycle.py");
    let base = sim.base_url().to_string();
    let output = tokio::task::spawn_blocking(move || Command::new(&python).args([script, &base]).output())
        .await
        .unwrap()
        .expect("python runs (make test installs the stripe package into tests/.venv)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the Python SDK saw a mismatch (see MISMATCH above)");
    assert!(stdout.contains("subscription lifecycle matches"));
}
