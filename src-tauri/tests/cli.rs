//! The built binary answers `--version` and `--help` without a display, before Tauri starts.

use std::process::Command;

fn billfold(arg: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_billfold"))
        .arg(arg)
        // No display of any kind: a window (or GTK) starting would fail here.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .output()
        .expect("the billfold binary runs")
}

#[test]
fn version_prints_the_version_and_exits_without_a_display() {
    let out = billfold("--version");
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("billfold {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_prints_a_two_line_usage_and_exits_without_a_display() {
    let out = billfold("--help");
    assert!(out.status.success(), "exit {:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("--version"), "{text}");
}

/// The control: without a flag the app starts Tauri, which needs the display removed above.
/// So the two tests before really run without one.
#[cfg(target_os = "linux")]
#[test]
fn without_a_flag_the_app_needs_the_display_these_tests_remove() {
    let data = tempfile::tempdir().unwrap();
    let stderr_path = data.path().join("stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_billfold"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .env("BILLFOLD_DATA_DIR", data.path().join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the app kept running without a display");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(!status.success(), "the app started without a display: {stderr}");
    assert!(stderr.contains("GTK") || stderr.contains("gtk"), "it failed for another reason: {stderr}");
}
