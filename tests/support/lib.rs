//! Helpers for the end-to-end tests: start the real built app through tauri-driver
//! (WebKitWebDriver underneath) and drive it with WebDriver.
//!
//! The tests expect `make test`'s environment: the app built (`target/debug/billfold`),
//! `tauri-driver` on the PATH or in `~/.cargo/bin`, an X display and a Secret Service.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long to wait for the app or an element before failing with a clear message
/// (a bound on waiting, not a speed requirement).
const PATIENCE: Duration = Duration::from_secs(60);

/// The app binary the tests launch: `BILLFOLD_APP` when set (a path to an app binary, e.g. the
/// one a package installs, `<root>/usr/bin/billfold`, as `make test-release` does), else the one
/// built next to this test binary (`target/debug/billfold`).
pub fn app_binary() -> PathBuf {
    if let Some(app) = std::env::var_os("BILLFOLD_APP").filter(|app| !app.is_empty()) {
        let app = PathBuf::from(app);
        assert!(app.is_file(), "BILLFOLD_APP is {}, which is not a file", app.display());
        return app;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps");
    let app = profile_dir.join(if cfg!(windows) { "billfold.exe" } else { "billfold" });
    assert!(app.exists(), "{} is missing: build it with `cargo build -p billfold` first (make test does)", app.display());
    app
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("tauri-driver"))
        .find(|candidate| candidate.exists())
    {
        return path;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .expect("HOME or CARGO_HOME");
    let installed = home.join("bin").join("tauri-driver");
    assert!(installed.exists(), "tauri-driver is not installed: `cargo install tauri-driver --version 2.1.0 --locked` (make test does)");
    installed
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// One tauri-driver process and the WebDriver session of one app launch.
pub struct AppSession {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
}

impl AppSession {
    /// Launches the app with `BILLFOLD_DATA_DIR=data_dir` and connects to it.
    pub async fn launch(data_dir: &Path) -> AppSession {
        Self::launch_with(data_dir, &[]).await
    }

    /// [`AppSession::launch`] with more environment variables for the app (tauri-driver
    /// starts the app, which inherits its environment).
    pub async fn launch_with(data_dir: &Path, env: &[(&str, &Path)]) -> AppSession {
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(env.iter().copied())
            .env("BILLFOLD_DATA_DIR", data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver starts");
        let capabilities = json!({
            "browserName": "wry",
            "tauri:options": { "application": app_binary() },
        });
        let capabilities = capabilities.as_object().cloned().expect("an object");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                // tauri-driver takes a moment to listen, and the app a moment to start.
                Err(_) if started.elapsed() < PATIENCE => tokio::time::sleep(Duration::from_millis(250)).await,
                Err(err) => panic!("could not start a WebDriver session with the app: {err}"),
            }
        };
        AppSession { client, driver }
    }

    /// Waits for an element by `data-testid`.
    pub async fn find(&self, test_id: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&format!("[data-testid='{test_id}']")))
            .await
            .unwrap_or_else(|err| panic!("no element [data-testid='{test_id}'] appeared: {err}"))
    }

    /// Types into an input found by CSS selector.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|err| panic!("no input {css}: {err}"));
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Waits until the text of an element contains `expected`, and returns it.
    pub async fn wait_for_text(&self, test_id: &str, expected: &str) -> String {
        let started = Instant::now();
        loop {
            // textContent rather than WebDriver's rendered text: WebKitGTK's driver answers ""
            // for live regions (role="status"), which the sync status is.
            let element = self.find(test_id).await;
            let text = element.prop("textContent").await.ok().flatten().unwrap_or_default();
            if text.contains(expected) {
                return text;
            }
            if started.elapsed() >= PATIENCE {
                let shot = self.screenshot(&format!("failed-waiting-for-{test_id}")).await;
                panic!("[data-testid='{test_id}'] shows {text:?}, never {expected:?} (see {})", shot.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills and submits the add-account form (first run or Settings) for an account on
    /// `api_base` (the emulator).
    pub async fn add_account(&self, name: &str, key: &str, currency: &str, api_base: &str) {
        self.type_into("[data-testid='account-name']", name).await;
        self.type_into("[data-testid='account-key']", key).await;
        self.type_into("[data-testid='account-currency']", currency).await;
        self.client
            .find(Locator::XPath("//button[contains(., 'advanced settings')]"))
            .await
            .expect("the advanced settings toggle")
            .click()
            .await
            .expect("open advanced settings");
        self.type_into("[data-testid='account-api-base']", api_base).await;
        self.find("add-account-submit").await.click().await.expect("submit");
    }

    /// Waits until an attribute of an element (by `data-testid`) has the value `expected`.
    pub async fn wait_for_attr(&self, test_id: &str, attribute: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let value = self.find(test_id).await.attr(attribute).await.ok().flatten().unwrap_or_default();
            if value == expected {
                return;
            }
            if started.elapsed() >= PATIENCE {
                let shot = self.screenshot(&format!("failed-waiting-for-{test_id}")).await;
                panic!("[data-testid='{test_id}'] has {attribute}={value:?}, never {expected:?} (see {})", shot.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks an element found by `data-testid`.
    pub async fn click(&self, test_id: &str) {
        self.find(test_id).await.click().await.unwrap_or_else(|err| panic!("cannot click {test_id}: {err}"));
    }

    /// Saves a PNG of the window to `tests/artifacts/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Ends the session (the app quits) and stops tauri-driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // Dropping stops tauri-driver.
    }
}

impl Drop for AppSession {
    /// Stops tauri-driver, also when a test panics before `close`: left running, it would keep
    /// the test's output pipe open and a `cargo test | tee` would never end.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One HTTP/1.1 exchange with a server on loopback (the emulator's API or control API):
/// the status and the JSON body.
pub async fn http_json(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}
