//! Killing a process in the middle of a Stripe request: the test binary runs one of its own
//! tests again as a child (which sees its role in the environment), and the parent kills it
//! once the emulator has received a given number of its requests.

use std::process::{Command, Stdio};
use std::time::Duration;

use stripe_sim::{Faults, Simulator};

/// Starts `test` of this test binary as a child with `env`, waits until the emulator has
/// received `requests` more requests, and SIGKILLs the child. Each request sits in the
/// emulator for 300 ms, so the last one is in flight at the kill; the emulator still
/// finishes it, as Stripe does, so its answer is lost but not its write.
pub async fn kill_child_in_flight(sim: &Simulator, test: &str, env: &[(&str, &str)], requests: u64) {
    sim.set_faults(Faults { latency_ms: 300, ..Faults::default() });
    let base = sim.request_count();
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args(["--exact", test, "--nocapture"]).stdout(Stdio::null()).stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the child starts");
    let mut waited = 0;
    while sim.request_count() < base + requests {
        assert!(child.try_wait().unwrap().is_none(), "the child ended before request {requests}");
        tokio::time::sleep(Duration::from_millis(5)).await;
        waited += 1;
        assert!(waited < 6000, "the child never sent request {requests}");
    }
    child.kill().expect("kill the child");
    child.wait().expect("reap the child");
    sim.set_faults(Faults::default());
}
