//! Cross-check with Stripe's official Python SDK (`stripe==16.1.0`): the script in
//! `tests/python/` runs the PO invoice flow, a balance ledger, credit notes, a previewed
//! subscription price change and a coupon on a subscription against the emulator and
//! asserts on every answer.
//! The interpreter is `$BILLFOLD_PYTHON`, else `python3`; `make test` provides one with the
//! package installed. A missing package is a failure, never a skip.

mod common;

use stripe_sim::{SimConfig, Simulator};

#[tokio::test]
async fn the_official_python_sdk_runs_the_invoice_flow() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let output = common::run_python("check_with_stripe_sdk.py", vec![sim.base_url().to_string()]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(2),
        "the `stripe` Python package (16.1.0) is missing: run `make test`, which installs it into the test venv\n{stderr}"
    );
    assert!(output.status.success(), "the Python SDK cross-check failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"));
}
