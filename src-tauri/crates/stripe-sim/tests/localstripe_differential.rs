//! A differential test: the same scenario, driven by Stripe's official Python SDK, against
//! stripe-sim and against localstripe (an emulator no one here wrote), comparing what both
//! answer for the subset both emulate. `make test` installs both Python packages into
//! `tests/.venv` and points `BILLFOLD_PYTHON` at its interpreter.

mod common;

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use stripe_sim::{SimConfig, Simulator};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Kills localstripe when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn stripe_sim_and_localstripe_agree_on_the_shared_subset() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let port = free_port();
    let localstripe_bin = common::python_interpreter().with_file_name("localstripe");
    let localstripe = Command::new(&localstripe_bin)
        .args(["--port", &port.to_string(), "--from-scratch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("cannot start {} ({err}): run `make test`, which installs localstripe", localstripe_bin.display())
        });
    let _localstripe = Child(localstripe);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "localstripe did not start listening");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let output = common::run_python(
        "differential_localstripe.py",
        vec![sim.base_url().to_string(), format!("http://127.0.0.1:{port}")],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the emulators disagree (see the lines marked DIFFERS above)");
    assert!(stdout.contains("facts agree"));
}
