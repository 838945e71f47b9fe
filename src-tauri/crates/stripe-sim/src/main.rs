//! `stripe-sim --port N [--demo] [--snapshot FILE]`: runs the emulator (with the demo accounts
//! seeded, and its state kept in FILE across runs) until interrupted.

use std::net::SocketAddr;

use stripe_sim::{SimConfig, Simulator};

fn usage() -> ! {
    eprintln!("usage: stripe-sim [--port N] [--no-rate-limit] [--demo] [--snapshot FILE]");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let mut port: u16 = 12111;
    let mut config = SimConfig::default();
    let mut demo = false;
    let mut snapshot: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args.next().and_then(|value| value.parse().ok()).unwrap_or_else(|| usage());
            }
            "--no-rate-limit" => config.rate_limit_per_sec = None,
            "--demo" => demo = true,
            "--snapshot" => snapshot = Some(args.next().map(Into::into).unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    let sim = match Simulator::start_on(SocketAddr::from(([127, 0, 0, 1], port)), config).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("stripe-sim: cannot listen on 127.0.0.1:{port}: {err}");
            std::process::exit(1);
        }
    };
    // A snapshot from an earlier run carries on its state; the demo is seeded only once.
    let restored = match &snapshot {
        Some(path) if path.exists() => match sim.load_snapshot(path) {
            Ok(()) => true,
            Err(err) => {
                eprintln!("stripe-sim: cannot load {}: {err}", path.display());
                std::process::exit(1);
            }
        },
        _ => false,
    };
    if demo && !restored {
        if let Err(err) = sim.seed_demo().await {
            eprintln!("stripe-sim: {err}");
            std::process::exit(1);
        }
        for account in stripe_sim::demo::DEMO_ACCOUNTS {
            println!("demo account {:?}: key {}", account.name, account.key);
        }
    }
    println!("stripe-sim listening on {}", sim.base_url());
    let _ = tokio::signal::ctrl_c().await;
    if let Some(path) = &snapshot {
        if let Err(err) = sim.save_snapshot(path) {
            eprintln!("stripe-sim: cannot save {}: {err}", path.display());
            std::process::exit(1);
        }
    }
}
