//! Commands through the real IPC path (mock runtime, real capabilities, real SQLite, a
//! stripe-sim on loopback, the mock keychain store).

use billfold_core::secrets::Keychain;
use billfold_core::Billfold;
use serde_json::{json, Value};
use stripe_sim::{SimConfig, Simulator};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use crate::{build_app, AppState};

/// The URL the app's own pages have; capabilities only grant commands to it.
#[cfg(any(windows, target_os = "android"))]
const APP_URL: &str = "http://tauri.localhost";
#[cfg(not(any(windows, target_os = "android")))]
const APP_URL: &str = "tauri://localhost";

const KEY: &str = "sk_test_51CommandTestKey000000000000009z9z";

struct Harness {
    app: tauri::App<tauri::test::MockRuntime>,
    _data: tempfile::TempDir,
}

fn harness() -> Harness {
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let core = Billfold::open(data.path(), keychain).unwrap();
    let app = build_app(mock_builder()).build(tauri::generate_context!()).unwrap();
    app.manage(AppState::with_core(core));
    Harness { app, _data: data }
}

fn window(harness: &Harness, label: &str) -> tauri::WebviewWindow<tauri::test::MockRuntime> {
    WebviewWindowBuilder::new(&harness.app, label, Default::default()).build().unwrap()
}

fn invoke(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: APP_URL.parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn the_main_window_manages_accounts_through_ipc() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::default())).unwrap();
    let harness = harness();
    let main = window(&harness, "main");

    let empty = invoke(&main, "app_overview", json!({})).unwrap();
    assert_eq!(empty["accounts"], json!([]));
    assert_eq!(empty["active_account_id"], Value::Null);

    let input = json!({ "input": {
        "name": "EuroRust", "secret_key": KEY, "default_currency": "EUR", "api_base": sim.base_url()
    }});
    let added = invoke(&main, "add_account", input).unwrap();
    assert_eq!(added["masked_key"], "sk_test_…9z9z");
    assert_eq!(added["is_active"], true);
    assert_eq!(added["mode"], "test");
    let serialized = added.to_string();
    assert!(!serialized.contains(KEY), "the key crossed IPC: {serialized}");

    let id = added["id"].as_str().unwrap().to_string();
    let renamed = invoke(&main, "rename_account", json!({ "id": id, "name": "EuroRust 2027" })).unwrap();
    assert_eq!(renamed["name"], "EuroRust 2027");
    let listed = invoke(&main, "list_accounts", json!({})).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    invoke(&main, "switch_account", json!({ "id": id })).unwrap();
    invoke(&main, "remove_account", json!({ "id": id })).unwrap();
    assert_eq!(invoke(&main, "list_accounts", json!({})).unwrap(), json!([]));
    drop(sim);
}

#[test]
fn errors_cross_as_code_and_message() {
    let harness = harness();
    let main = window(&harness, "main");
    let bad_key = json!({ "input": {
        "name": "X", "secret_key": "pk_test_nope12345678", "default_currency": "usd"
    }});
    let err = invoke(&main, "add_account", bad_key).unwrap_err();
    assert_eq!(err["code"], "validation");
    assert!(err["message"].as_str().unwrap().contains("publishable"));

    let missing = invoke(&main, "switch_account", json!({ "id": "no-such-account" })).unwrap_err();
    assert_eq!(missing["code"], "not_found");
    assert_eq!(missing.as_object().unwrap().len(), 2, "exactly {{code, message}}: {missing}");
}

#[test]
fn the_capability_grants_only_the_main_window_and_only_our_commands() {
    let harness = harness();
    let main = window(&harness, "main");
    // A window the capability does not name may call nothing.
    let other = window(&harness, "other");
    let refused = invoke(&other, "list_accounts", json!({})).unwrap_err();
    assert!(refused.to_string().contains("not allowed"), "{refused}");
    // Core plugin commands are not granted to the main window either, except listening to
    // events (sync progress, status and data changes reach the views that way).
    for plugin_cmd in ["plugin:window|close", "plugin:path|resolve_directory", "plugin:event|emit"] {
        let refused = invoke(&main, plugin_cmd, json!({})).unwrap_err();
        assert!(refused.to_string().contains("not allowed"), "{plugin_cmd}: {refused}");
    }
    let listen = invoke(&main, "plugin:event|listen", json!({})).unwrap_err();
    assert!(!listen.to_string().contains("not allowed"), "listening is granted: {listen}");
    assert!(invoke(&main, "list_accounts", json!({})).is_ok());
}

#[test]
fn sync_settings_and_the_api_log_cross_ipc_with_clear_errors() {
    let harness = harness();
    let main = window(&harness, "main");
    let defaults = invoke(&main, "get_sync_settings", json!({})).unwrap();
    assert_eq!(defaults["poll_interval_secs"], 60);
    assert_eq!(defaults["listener_enabled"], false);
    assert_eq!(defaults["listener_bind"], "127.0.0.1");

    let mut too_fast = defaults.clone();
    too_fast["poll_interval_secs"] = json!(1);
    let err = invoke(&main, "set_sync_settings", json!({ "settings": too_fast })).unwrap_err();
    assert_eq!(err["code"], "validation", "{err}");
    let unchanged = invoke(&main, "get_sync_settings", json!({})).unwrap();
    assert_eq!(unchanged, defaults, "a refused change saves nothing");

    let mut slower = defaults.clone();
    slower["poll_interval_secs"] = json!(300);
    let saved = invoke(&main, "set_sync_settings", json!({ "settings": slower })).unwrap();
    assert_eq!(saved["poll_interval_secs"], 300);

    for cmd in ["sync_status", "sync_now", "cancel_sync"] {
        let err = invoke(&main, cmd, json!({ "accountId": "no-such-account" })).unwrap_err();
        assert_eq!(err["code"], "not_found", "{cmd}: {err}");
    }
    let err = invoke(&main, "list_request_log", json!({ "accountId": "no-such-account", "limit": 10, "beforeId": null }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    let query = json!({ "search": null, "status": null, "sort": "bogus; DROP TABLE invoices", "descending": false, "offset": 0, "limit": 50 });
    let err = invoke(&main, "list_invoices", json!({ "accountId": "no-such-account", "query": query })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn the_main_window_runs_the_demo_through_ipc() {
    let harness = harness();
    let main = window(&harness, "main");
    let started = invoke(&main, "start_demo", json!({})).unwrap();
    let accounts = started.as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert!(accounts.iter().all(|account| account["is_demo"] == true));
    assert!(!started.to_string().contains("sk_test_demo0"), "a demo key crossed IPC: {started}");
    let id = accounts[0]["id"].as_str().unwrap().to_string();
    assert_eq!(invoke(&main, "app_overview", json!({})).unwrap()["active_account_id"], id.as_str());

    let targets = invoke(&main, "simulation_targets", json!({ "accountId": id })).unwrap();
    assert!(targets["subscriptions"].is_array() && targets["charges"].is_array(), "{targets}");
    let week = json!({ "accountId": id, "action": { "kind": "advance_clock", "days": 7 } });
    assert_eq!(invoke(&main, "simulate", week).unwrap(), Value::Null);
    let unknown = json!({ "accountId": id, "action": { "kind": "pay_everything" } });
    assert!(invoke(&main, "simulate", unknown).is_err());
    let bad_id = json!({ "accountId": id, "action": { "kind": "pay_invoice", "invoiceId": "in_1/pay", "amount": null } });
    assert_eq!(invoke(&main, "simulate", bad_id).unwrap_err()["code"], "validation");

    let reset = invoke(&main, "reset_demo", json!({})).unwrap();
    assert_eq!(reset.as_array().unwrap().len(), 2);
    assert_ne!(reset[0]["id"], id.as_str());
    invoke(&main, "remove_demo", json!({})).unwrap();
    assert_eq!(invoke(&main, "list_accounts", json!({})).unwrap(), json!([]));
}

#[test]
fn about_and_diagnostics_cross_ipc_without_secrets_and_open_only_our_folders() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::default())).unwrap();
    let harness = harness();
    let main = window(&harness, "main");

    let about = invoke(&main, "about_info", json!({})).unwrap();
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
    let data_dir = harness._data.path().display().to_string();
    assert_eq!(about["data_dir"], data_dir.as_str());
    assert_eq!(about["log_dir"], harness._data.path().join("logs").display().to_string().as_str());

    let input = json!({ "input": {
        "name": "EuroRust", "secret_key": KEY, "default_currency": "EUR", "api_base": sim.base_url()
    }});
    invoke(&main, "add_account", input).unwrap();
    let report = invoke(&main, "diagnostics", json!({})).unwrap();
    let report = report.as_str().unwrap();
    assert!(report.contains(&format!("Billfold: {}", env!("CARGO_PKG_VERSION"))), "{report}");
    assert!(report.contains(&format!("Tauri: {}", tauri::VERSION)), "{report}");
    assert!(report.contains(&format!("Data folder: {data_dir}")), "{report}");
    assert!(report.contains("- eurorust (active): test mode, demo: no"), "{report}");
    assert!(!report.contains(KEY) && !report.contains("EuroRust"), "{report}");

    for folder in ["/etc", "../data", "Downloads", ""] {
        let err = invoke(&main, "open_app_folder", json!({ "folder": folder })).unwrap_err();
        assert_eq!(err["code"], "validation", "{folder}: {err}");
    }
    drop(sim);
}

#[test]
fn subscriptions_cross_ipc_with_clear_errors() {
    let harness = harness();
    let main = window(&harness, "main");
    let started = invoke(&main, "start_demo", json!({})).unwrap();
    let id = started[0]["id"].as_str().unwrap().to_string();
    let query = json!({ "search": null, "status": null, "sort": "mrr", "descending": true, "offset": 0, "limit": 50 });
    let list = json!({ "accountId": id, "query": query });
    // The demo's subscriptions reach the cache with its first sync.
    invoke(&main, "sync_now", json!({ "accountId": id })).unwrap();
    let mut page = invoke(&main, "list_subscriptions", list.clone()).unwrap();
    for _ in 0..200 {
        let status = invoke(&main, "sync_status", json!({ "accountId": id })).unwrap();
        if page["total"].as_u64() > Some(0) && status["last_success_at"].is_string() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        page = invoke(&main, "list_subscriptions", list.clone()).unwrap();
    }
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(page["total"].as_u64(), Some(rows.len() as u64), "{page}");
    assert!(rows.windows(2).all(|pair| pair[0]["mrr"].as_i64() >= pair[1]["mrr"].as_i64()), "{page}");
    let prices = invoke(&main, "list_recurring_prices", json!({ "accountId": id, "currency": null })).unwrap();
    assert!(prices.as_array().unwrap().iter().all(|price| price["recurring_interval"].is_string()), "{prices}");
    assert!(!rows.is_empty() && !prices.as_array().unwrap().is_empty(), "the demo has subscriptions");
    let (row, sub) = (&rows[0], rows[0]["id"].as_str().unwrap());
    let detail = invoke(&main, "get_subscription", json!({ "accountId": id, "subscriptionId": sub })).unwrap();
    assert_eq!(detail["mrr"], row["mrr"]);
    let pause = json!({ "kind": "pause_collection", "behavior": "freeze", "resumes_at": null });
    let args = json!({ "accountId": id, "subscriptionId": sub, "action": pause });
    assert_eq!(invoke(&main, "subscription_action", args).unwrap_err()["code"], "validation");

    let bad_id = json!({ "accountId": id, "subscriptionId": "sub_1/cancel" });
    for cmd in ["get_subscription", "upcoming_invoice"] {
        assert_eq!(invoke(&main, cmd, bad_id.clone()).unwrap_err()["code"], "validation", "{cmd}");
    }
    let input = json!({ "input": {
        "customer": { "kind": "by_email", "email": "ap@acme.test", "name": "Acme" }, "items": [],
        "trial": { "kind": "none" }, "collection_method": "charge_automatically", "days_until_due": null,
        "payment_behavior": "allow_incomplete", "metadata": {}
    }});
    let args = json!({ "accountId": id, "input": input["input"] });
    let err = invoke(&main, "create_subscription", args).unwrap_err();
    assert_eq!(err["code"], "validation", "{err}");
    invoke(&main, "remove_demo", json!({})).unwrap();
}

#[test]
fn the_catalog_copy_crosses_ipc_with_clear_errors() {
    let harness = harness();
    let main = window(&harness, "main");
    let started = invoke(&main, "start_demo", json!({})).unwrap();
    let (target, source) = (started[0]["id"].as_str().unwrap(), started[1]["id"].as_str().unwrap());
    let from_account = json!({ "account": source });
    let plan = invoke(&main, "plan_catalog_copy", json!({ "targetAccountId": target, "source": from_account })).unwrap();
    assert!(plan["digest"].is_string() && plan["counts"]["requests"].is_u64(), "{plan}");
    let stale = json!({ "targetAccountId": target, "source": from_account, "expectedDigest": "stale" });
    assert_eq!(invoke(&main, "apply_catalog_copy", stale).unwrap_err()["code"], "plan_changed");

    let csv = invoke(&main, "export_catalog", json!({ "accountId": source, "format": "csv" })).unwrap();
    assert!(csv.as_str().unwrap().starts_with("product_key,product_id,product_name,"), "{csv}");
    let file = json!({ "file": { "format": "csv", "contents": csv } });
    let from_file = invoke(&main, "plan_catalog_copy", json!({ "targetAccountId": target, "source": file })).unwrap();
    assert!(from_file["digest"].is_string(), "{from_file}");
    let bad = json!({ "file": { "format": "json", "contents": "{}" } });
    let err = invoke(&main, "plan_catalog_copy", json!({ "targetAccountId": target, "source": bad })).unwrap_err();
    assert_eq!(err["code"], "validation", "{err}");
    let itself = json!({ "targetAccountId": target, "source": { "account": target } });
    assert_eq!(invoke(&main, "plan_catalog_copy", itself).unwrap_err()["code"], "validation");
    invoke(&main, "remove_demo", json!({})).unwrap();
}

#[test]
fn the_dunning_rule_and_the_notification_switch_cross_ipc_checked() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::default())).unwrap();
    let harness = harness();
    let main = window(&harness, "main");
    let input = json!({ "input": {
        "name": "EuroRust", "secret_key": KEY, "default_currency": "EUR", "api_base": sim.base_url()
    }});
    let id = invoke(&main, "add_account", input).unwrap()["id"].as_str().unwrap().to_string();

    let rule = invoke(&main, "get_dunning_rule", json!({ "accountId": id })).unwrap();
    assert_eq!(rule, json!({ "enabled": false, "failed_payments": 3, "action": "review" }), "off by default");
    let too_many = json!({ "accountId": id, "rule": { "enabled": true, "failed_payments": 11, "action": "cancel" } });
    assert_eq!(invoke(&main, "set_dunning_rule", too_many).unwrap_err()["code"], "validation");
    let wanted = json!({ "enabled": true, "failed_payments": 2, "action": "cancel" });
    assert_eq!(invoke(&main, "set_dunning_rule", json!({ "accountId": id, "rule": wanted })).unwrap(), wanted);
    assert_eq!(invoke(&main, "get_dunning_rule", json!({ "accountId": id })).unwrap(), wanted);

    let on = invoke(&main, "get_notification_settings", json!({ "accountId": id })).unwrap();
    assert_eq!(on, json!({ "payment_failures": true, "disputes": true }), "on by default");
    let off = json!({ "accountId": id, "settings": { "payment_failures": false } });
    assert_eq!(
        invoke(&main, "set_notification_settings", off).unwrap(),
        json!({ "payment_failures": false, "disputes": true }),
        "a switch not sent (an older UI) stays on"
    );
    assert_eq!(invoke(&main, "get_notification_settings", json!({ "accountId": id })).unwrap()["payment_failures"], false);

    for cmd in ["get_dunning_rule", "get_notification_settings"] {
        let err = invoke(&main, cmd, json!({ "accountId": "no-such-account" })).unwrap_err();
        assert_eq!(err["code"], "not_found", "{cmd}: {err}");
    }
    drop(sim);
}

#[test]
fn the_window_may_not_show_or_ask_for_notifications() {
    let harness = harness();
    let main = window(&harness, "main");
    for cmd in ["plugin:notification|notify", "plugin:notification|request_permission", "plugin:notification|is_permission_granted"] {
        let refused = invoke(&main, cmd, json!({ "options": { "title": "Hi" } })).unwrap_err();
        assert!(refused.to_string().contains("not allowed"), "{cmd}: {refused}");
    }
}

/// Records what would be shown on the desktop.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, String)>>);

impl crate::notifications::DesktopNotifier for Recorder {
    fn show(&self, notice: &billfold_core::sync::Notice) {
        self.0.lock().unwrap().push((notice.title.clone(), notice.body.clone()));
    }
}

#[test]
fn a_payment_failing_after_the_first_sync_reaches_the_desktop_notifier() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::default())).unwrap();
    let harness = harness();
    let main = window(&harness, "main");
    let input = json!({ "input": {
        "name": "EuroRust", "secret_key": KEY, "default_currency": "EUR", "api_base": sim.base_url()
    }});
    let id = invoke(&main, "add_account", input).unwrap()["id"].as_str().unwrap().to_string();
    let recorder = std::sync::Arc::new(Recorder::default());
    let events = crate::events::WindowEvents::new(harness.app.handle().clone(), recorder.clone());
    let state = harness.app.state::<AppState>();
    let core = state.core().unwrap();
    let sub = runtime.block_on(async {
        let gateway = core.gateway(&id).await.unwrap();
        let post = |path: &str, pairs: &[(&str, &str)]| {
            let form: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let (gateway, path) = (gateway.clone(), path.to_string());
            async move { gateway.post_form(&path, &form, None).await.unwrap() }
        };
        let customer = post("/v1/customers", &[("name", "Acme Ltd")]).await["id"].as_str().unwrap().to_string();
        let card = post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &customer)]).await;
        post(&format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", card["id"].as_str().unwrap())])
            .await;
        let product = post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
        let price = [("product", product.as_str()), ("currency", "eur"), ("unit_amount", "1000"), ("recurring[interval]", "month")];
        let price = post("/v1/prices", &price).await["id"].as_str().unwrap().to_string();
        let sub = post("/v1/subscriptions", &[("customer", &customer), ("items[0][price]", &price)]).await;
        core.sync_once(&id, &events).await.unwrap();
        let sub = sub["id"].as_str().unwrap().to_string();
        assert_eq!(sim.fail_renewal(&sub).unwrap()["status"], "past_due");
        core.sync_once(&id, &events).await.unwrap();
        sub
    });
    let shown = recorder.0.lock().unwrap().clone();
    assert_eq!(shown.len(), 2, "the failed payment and the subscription turning past due: {shown:?}");
    assert_eq!(shown[0].0, "Payment failed — Acme Ltd");
    assert!(shown[0].1.starts_with("€10.00, invoice ") && shown[0].1.ends_with("(EuroRust)"), "{shown:?}");
    assert_eq!(shown[1], ("Subscription past due — Acme Ltd".to_string(), format!("{sub} is past due (EuroRust)")));
}

#[test]
fn reports_cross_ipc_for_all_accounts_with_clear_errors() {
    let harness = harness();
    let main = window(&harness, "main");
    let range = json!({ "accountId": null, "from": "2026-03-01", "to": "2026-03-31", "granularity": "week", "offsetMinutes": 60 });
    let revenue = invoke(&main, "revenue_report", range).unwrap();
    assert_eq!(revenue["periods"], json!(["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]));
    assert_eq!(revenue["currencies"], json!([]));
    let aging = invoke(&main, "aging_report", json!({ "accountId": null, "asOf": "2026-03-31", "offsetMinutes": 0 })).unwrap();
    assert_eq!(aging, json!({ "as_of": "2026-03-31", "currencies": [] }));
    let top = json!({ "accountId": null, "from": "2026-03-01", "to": "2026-03-31", "by": "open_balance", "limit": 10, "offsetMinutes": 0 });
    assert_eq!(invoke(&main, "top_customers", top).unwrap()["currencies"], json!([]));
    let dashboard = invoke(&main, "dashboard_figures", json!({ "accountId": null, "from": "2026-03-01", "to": "2026-03-31", "offsetMinutes": 0 })).unwrap();
    assert_eq!((dashboard["previous_from"].clone(), dashboard["previous_to"].clone()), (json!("2026-02-01"), json!("2026-02-28")));

    let backwards = json!({ "accountId": null, "from": "2026-03-31", "to": "2026-03-01", "granularity": "day", "offsetMinutes": 0 });
    let err = invoke(&main, "revenue_report", backwards).unwrap_err();
    assert_eq!(err["code"], "validation");
    assert!(err["message"].as_str().unwrap().contains("after it ends"), "{err}");
    let bad_day = json!({ "accountId": null, "asOf": "31/03/2026", "offsetMinutes": 0 });
    assert_eq!(invoke(&main, "aging_report", bad_day).unwrap_err()["code"], "validation");
    let unknown = json!({ "accountId": "no-such-account", "asOf": "2026-03-31", "offsetMinutes": 0 });
    assert_eq!(invoke(&main, "aging_report", unknown).unwrap_err()["code"], "not_found");
    let drill = json!({ "accountId": "no-such-account", "asOf": "2026-03-31", "offsetMinutes": 0, "currency": "eur", "customerId": null,
                        "bucket": "days_1_30", "sort": null, "descending": false, "offset": 0, "limit": 200 });
    assert_eq!(invoke(&main, "aging_invoices", drill).unwrap_err()["code"], "not_found");
    let huge_page = json!({ "accountId": null, "asOf": "2026-03-31", "offsetMinutes": 0, "currency": null, "customerId": null,
                            "bucket": null, "sort": "owed", "descending": true, "offset": 0, "limit": 100000 });
    assert_eq!(invoke(&main, "aging_invoices", huge_page).unwrap_err()["code"], "validation");
    let empty = json!({ "accountId": null, "asOf": "2026-03-31", "offsetMinutes": 0, "currency": null, "customerId": null,
                        "bucket": null, "sort": "customer", "descending": false, "offset": 0, "limit": 200 });
    assert_eq!(invoke(&main, "aging_invoices", empty).unwrap(), json!({ "total": 0, "rows": [] }));
    let too_many = json!({ "accountId": null, "from": "2026-03-01", "to": "2026-03-31", "by": "revenue", "limit": 1000, "offsetMinutes": 0 });
    assert_eq!(invoke(&main, "top_customers", too_many).unwrap_err()["code"], "validation");
}

#[test]
fn the_mrr_report_and_its_setting_cross_ipc_with_clear_errors() {
    let harness = harness();
    let main = window(&harness, "main");
    let report = invoke(&main, "mrr_report", json!({ "accountId": null, "fromMonth": "2026-01", "toMonth": "2026-03" })).unwrap();
    assert_eq!(report["currencies"], json!([]), "no account, no currency");
    assert_eq!(report["discounts"], "forever", "Stripe's definition by default");
    for (from, to, says) in [("2026-1", "2026-03", "YYYY-MM"), ("2026-04", "2026-03", "after it ends"), ("2010-01", "2026-03", "at most 120")] {
        let err = invoke(&main, "mrr_report", json!({ "accountId": null, "fromMonth": from, "toMonth": to })).unwrap_err();
        assert_eq!(err["code"], "validation", "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
    }
    let err = invoke(&main, "mrr_report", json!({ "accountId": "no-such-account", "fromMonth": "2026-01", "toMonth": "2026-01" }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert_eq!(invoke(&main, "mrr_now", json!({ "accountId": null })).unwrap(), json!([]));
    assert_eq!(invoke(&main, "get_mrr_discounts", json!({})).unwrap(), "forever");
    invoke(&main, "set_mrr_discounts", json!({ "mode": "all" })).unwrap();
    assert_eq!(invoke(&main, "get_mrr_discounts", json!({})).unwrap(), "all");
    let err = invoke(&main, "set_mrr_discounts", json!({ "mode": "some" })).unwrap_err();
    assert!(err.to_string().contains("some"), "an unknown mode is refused: {err}");
    assert_eq!(invoke(&main, "get_mrr_discounts", json!({})).unwrap(), "all");
}
