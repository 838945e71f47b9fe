//! Cross-check with Stripe's official Python SDK (`stripe==16.1.0`): the script in
//! `tests/python/` runs the PO invoice flow against the emulator and asserts on every answer.
//! The interpreter is `$BILLFOLD_PYTHON`, else `python3`; `make test` provides one with the
//! package installed. A missing package is a failure, never a skip.

use std::process::Command;

use stripe_sim::{SimConfig, Simulator};

#[tokio::test]
async fn the_official_python_sdk_runs_the_invoice_flow() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let python = std::env::var("BILLFOLD_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/check_with_stripe_sdk.py");
    let base_url = sim.base_url().to_string();
    let interpreter = python.clone();
    let output = tokio::task::spawn_blocking(move || Command::new(&interpreter).arg(script).arg(base_url).output())
        .await
        .unwrap()
        .unwrap_or_else(|err| panic!("cannot run `{python}` ({err}): run `make test`, which sets up the Python test venv"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert_ne!(
        output.status.code(),
        Some(2),
        "the `stripe` Python package (16.1.0) is missing for `{python}`: run `make test`, which installs it into the test venv\n{stderr}"
    );
    assert!(output.status.success(), "the Python SDK cross-check failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"));
}
