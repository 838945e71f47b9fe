//! The emulator for the benchmark: a release stripe-sim as its own process, or one in-process.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};

use stripe_sim::{SimConfig, Simulator};

/// The emulator: the binary named by `BENCH_STRIPE_SIM` as its own process (`make bench` passes
/// a release build, which generates and serves 100k invoices many times faster than a debug
/// build), else in this test's process.
pub(crate) struct Emulator {
    pub(crate) addr: SocketAddr,
    pub(crate) kind: &'static str,
    pub(crate) _in_process: Option<Simulator>,
    pub(crate) process: Option<Child>,
}

impl Emulator {
    /// Starts the emulator with its rate limit off.
    pub(crate) async fn start() -> Emulator {
        let Some(binary) = std::env::var_os("BENCH_STRIPE_SIM").filter(|path| !path.is_empty())
        else {
            let sim = Simulator::start(SimConfig {
                rate_limit_per_sec: None,
                ..SimConfig::default()
            })
            .await
            .unwrap();
            return Emulator {
                addr: sim.addr(),
                kind: "in the test process",
                _in_process: Some(sim),
                process: None,
            };
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(&binary)
            .args(["--port", &port.to_string(), "--no-rate-limit"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.to_string_lossy()));
        let stdout = child.stdout.take().expect("its output");
        let listening = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains("listening"));
        assert!(listening, "stripe-sim stopped before listening");
        Emulator {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            kind: "its own process",
            _in_process: None,
            process: Some(child),
        }
    }

    /// The API base the account points at.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(child) = &mut self.process {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
