//! Disputes against stripe-sim: the queue and a dispute's detail from the cache, evidence
//! staged with an uploaded PDF and then submitted once, a dispute accepted, evidence Stripe
//! would refuse refused with nothing sent, and a save killed mid-upload making one upload and
//! one update.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use billfold_core::disputes::{EvidenceFileInput, EvidenceInput};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_core::sync::{DataChanged, NoObserver, Notice, NotificationSettings, SyncObserver, SyncProgress};
use billfold_core::store::SyncStatus;
use billfold_core::{Billfold, Error};
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process the kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_DISPUTE_KILL_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_DISPUTE_KILL_CHILD_KEY";
/// Longer than the emulator's 300 ms latency during a kill.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
}

impl Fixture {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        let form: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form, None).await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.app.gateway(&self.account).await.unwrap().get_json(path, &[]).await.unwrap()
    }

    /// A disputed card payment by a named customer, synced; answers the dispute id.
    async fn disputed(&self, amount: &str) -> String {
        let customer = self.post("/v1/customers", &[("name", "Jane Doe"), ("email", "jane@example.test")]).await;
        let intent = self
            .post(
                "/v1/payment_intents",
                &[("amount", amount), ("currency", "eur"), ("customer", customer["id"].as_str().unwrap()), ("payment_method", "pm_card_createDispute"), ("confirm", "true")],
            )
            .await;
        self.app.sync_once(&self.account, &NoObserver).await.unwrap();
        let disputes = self.get(&format!("/v1/disputes?payment_intent={}", intent["id"].as_str().unwrap())).await;
        disputes["data"][0]["id"].as_str().unwrap().to_string()
    }

    /// A card payment that the cardholder disputes, not synced yet.
    async fn pay_disputed(&self, amount: &str) {
        self.post("/v1/payment_intents", &[("amount", amount), ("currency", "eur"), ("payment_method", "pm_card_createDispute"), ("confirm", "true")]).await;
    }

    fn recorded(&self) -> usize {
        self.app.operation_log(&self.account, 500, None).unwrap().len()
    }
}

async fn fixture() -> Fixture {
    fixture_on(sim_account::sim().await).await
}

async fn fixture_on(sim: Simulator) -> Fixture {
    let key = format!("sk_test_51Disputes{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Disputes").await;
    Fixture { sim, key, dir, app, account }
}

fn text(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn pdf(field: &str, name: &str) -> EvidenceFileInput {
    EvidenceFileInput { field: field.into(), filename: name.into(), bytes: PDF.to_vec() }
}

fn refused<T: std::fmt::Debug>(result: Result<T, Error>, words: &str) {
    match result {
        Err(Error::Validation(message)) => assert!(message.contains(words), "'{message}' should mention '{words}'"),
        other => panic!("expected a refusal mentioning '{words}', got {other:?}"),
    }
}

fn query(status: Option<&str>, search: Option<&str>) -> ListQuery {
    ListQuery { search: search.map(str::to_string), status: status.map(str::to_string), sort: None, descending: false, offset: 0, limit: 50, after: None }
}

#[tokio::test]
async fn evidence_is_staged_with_a_pdf_then_submitted_once() {
    let f = fixture().await;
    let first = f.disputed("4200").await;
    let second = f.disputed("1500").await;

    let queue = f.app.list_disputes(&f.account, &query(None, None)).unwrap();
    assert_eq!(queue.total, 2);
    let row = queue.rows.iter().find(|row| row.id == first).unwrap();
    assert_eq!((row.status.as_str(), row.reason.as_str(), row.amount, row.currency.as_str()), ("needs_response", "fraudulent", 4200, "eur"));
    assert_eq!((row.customer_name.as_deref(), row.customer_email.as_deref()), (Some("Jane Doe"), Some("jane@example.test")));
    assert!(row.due_by.unwrap() > row.created);

    let input = EvidenceInput {
        text: text(&[("product_description", "Annual plan"), ("uncategorized_text", "Delivered on time")]),
        files: vec![pdf("receipt", "receipt.pdf")],
    };
    let staged = f.app.save_dispute_evidence(&f.account, &first, input).await.unwrap();
    assert_eq!(staged.row.status, "needs_response");
    assert!(staged.has_evidence);
    assert_eq!(staged.submission_count, 0);
    assert_eq!(staged.text, vec![("product_description".to_string(), "Annual plan".to_string()), ("uncategorized_text".to_string(), "Delivered on time".to_string())]);
    assert_eq!(staged.files.len(), 1);
    let file = &staged.files[0];
    assert_eq!((file.field.as_str(), file.filename.as_deref(), file.size, file.file_type.as_deref()), ("receipt", Some("receipt.pdf"), Some(PDF.len() as i64), Some("pdf")));
    let on_stripe = f.get(&format!("/v1/disputes/{first}")).await;
    assert_eq!(on_stripe["evidence"]["receipt"], file.file_id.as_str());
    assert_eq!(on_stripe["status"], "needs_response");
    let uploaded = f.get(&format!("/v1/files/{}", file.file_id)).await;
    assert_eq!((uploaded["purpose"].as_str(), uploaded["size"].as_i64()), (Some("dispute_evidence"), Some(PDF.len() as i64)));
    assert!(std::fs::read_dir(f.dir.path().join("evidence-spool")).unwrap().next().is_none(), "the spooled bytes are gone");

    let submitted = f.app.submit_dispute_evidence(&f.account, &first, EvidenceInput::default()).await.unwrap();
    assert_eq!(submitted.row.status, "under_review");
    assert_eq!(submitted.submission_count, 1);
    assert_eq!(submitted.files[0].filename.as_deref(), Some("receipt.pdf"), "the file is still named");

    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    refused(f.app.submit_dispute_evidence(&f.account, &first, EvidenceInput::default()).await, "no longer be submitted");
    refused(f.app.accept_dispute(&f.account, &first).await, "only a dispute awaiting a response");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded), "nothing sent, nothing recorded");

    let open = f.app.list_disputes(&f.account, &query(Some("needs_response"), None)).unwrap();
    assert_eq!(open.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![second.as_str()]);
    let reviewed = f.app.list_disputes(&f.account, &query(Some("under_review"), None)).unwrap();
    assert_eq!(reviewed.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![first.as_str()]);
    let by_id = f.app.list_disputes(&f.account, &query(None, Some(&second[3..12]))).unwrap();
    assert_eq!(by_id.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![second.as_str()]);
    let all = f.app.list_disputes(&f.account, &query(None, None)).unwrap();
    assert_eq!(all.rows[0].id, second, "open ones come first");
}

#[tokio::test]
async fn an_accepted_dispute_is_lost_and_stays_so() {
    let f = fixture().await;
    let id = f.disputed("2500").await;
    let accepted = f.app.accept_dispute(&f.account, &id).await.unwrap();
    assert_eq!(accepted.row.status, "lost");
    assert_eq!(f.get(&format!("/v1/disputes/{id}")).await["status"], "lost");
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    refused(f.app.accept_dispute(&f.account, &id).await, "only a dispute awaiting a response");
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput { text: text(&[("customer_name", "J")]), files: vec![] }).await, "no longer be changed");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded));
    let lost = f.app.list_disputes(&f.account, &query(Some("lost"), None)).unwrap();
    assert_eq!(lost.total, 1);
}

#[tokio::test]
async fn evidence_stripe_would_refuse_sends_nothing() {
    let f = fixture().await;
    let id = f.disputed("900").await;
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    let not_pdf = EvidenceFileInput { field: "receipt".into(), filename: "notes.pdf".into(), bytes: b"plain text".to_vec() };
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput { text: BTreeMap::new(), files: vec![not_pdf] }).await, "not a PDF, JPEG or PNG");
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let too_big = EvidenceFileInput { field: "receipt".into(), filename: "big.pdf".into(), bytes: big };
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput { text: BTreeMap::new(), files: vec![too_big] }).await, "at most 5 MB");
    let long = "x".repeat(150_001);
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput { text: text(&[("uncategorized_text", &long)]), files: vec![] }).await, "150000");
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput { text: text(&[("receipt", "file_x")]), files: vec![] }).await, "not an evidence text field");
    refused(f.app.save_dispute_evidence(&f.account, &id, EvidenceInput::default()).await, "no evidence to save");
    assert!(matches!(f.app.accept_dispute(&f.account, "dp_missing").await, Err(Error::NotFound(_))));
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded), "nothing sent, nothing recorded");
    assert!(!f.dir.path().join("evidence-spool").exists() || std::fs::read_dir(f.dir.path().join("evidence-spool")).unwrap().next().is_none());
}

/// The child's side: records and runs a `save_dispute_evidence` until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let operation = journal::begin(&store, account, OperationKind::SaveDisputeEvidence, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_save_killed_mid_upload_uploads_once_and_updates_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let id = f.disputed("3100").await;
    let spool = f.dir.path().join("evidence-spool");
    std::fs::create_dir_all(&spool).unwrap();
    std::fs::write(spool.join("killed.bin"), PDF).unwrap();
    let input = json!({
        "dispute_id": id,
        "text": [["product_description", "Concert ticket"]],
        "files": [{ "field": "receipt", "filename": "ticket.pdf", "spool": "killed.bin" }],
    });
    let config = json!({ "dir": f.dir.path(), "account": f.account, "base": f.sim.base_url(), "input": input });
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(&f.sim, "a_save_killed_mid_upload_uploads_once_and_updates_once", &env, 1).await;
    let killed_at = tokio::time::Instant::now();
    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!((pending.len(), pending[0].kind, pending[0].step), (1, OperationKind::SaveDisputeEvidence, 0));
    assert!(spool.join("killed.bin").exists(), "the bytes wait for the resume");
    assert_eq!(f.app.resume_operations().await.unwrap(), 1);
    assert_eq!(f.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
    tokio::time::sleep_until(killed_at + SETTLE).await;

    let files = f.get("/v1/files?purpose=dispute_evidence").await;
    assert_eq!(files["data"].as_array().unwrap().len(), 1, "exactly one upload");
    let updates = f.get("/v1/events?type=charge.dispute.updated").await;
    assert_eq!(updates["data"].as_array().unwrap().len(), 1, "exactly one update");
    let detail = f.app.dispute_detail(&f.account, &id).unwrap();
    assert_eq!(detail.files[0].filename.as_deref(), Some("ticket.pdf"));
    assert_eq!(detail.text, vec![("product_description".to_string(), "Concert ticket".to_string())]);
    assert!(!spool.join("killed.bin").exists(), "and the spooled bytes are deleted");
}

/// Keeps the notices a sync tells.
#[derive(Default)]
struct Notices(Mutex<Vec<Notice>>);

impl SyncObserver for Notices {
    fn progress(&self, _: &SyncProgress) {}
    fn status(&self, _: &SyncStatus) {}
    fn data_changed(&self, _: &DataChanged) {}
    fn notices(&self, notices: &[Notice]) {
        self.0.lock().unwrap().extend_from_slice(notices);
    }
}

impl Notices {
    fn titles(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|notice| notice.title.clone()).collect()
    }
}

#[tokio::test]
async fn a_new_dispute_and_its_coming_deadline_are_each_noticed_once() {
    let sim = sim_account::sim().await;
    // Stripe's clock half a day past six days ago: a dispute opened now is due in half a day.
    assert!(sim.start_clock_in_past(6 * 86_400 + 12 * 3_600));
    let f = fixture_on(sim).await;
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    f.pay_disputed("4200").await;
    f.pay_disputed("1300").await;

    let told = Notices::default();
    f.app.sync_once(&f.account, &told).await.unwrap();
    let mut titles = told.titles();
    titles.sort();
    assert_eq!(
        titles,
        vec!["Dispute evidence due in 12 h", "Dispute evidence due in 12 h", "Dispute opened — €13.00", "Dispute opened — €42.00"],
    );
    let reminders: Vec<String> = told.0.lock().unwrap().iter().filter(|n| n.title.starts_with("Dispute evidence")).map(|n| n.body.clone()).collect();
    assert!(reminders.iter().any(|body| body.starts_with("42.00 EUR, dispute dp_")), "{reminders:?}");

    let again = Notices::default();
    f.app.sync_once(&f.account, &again).await.unwrap();
    assert!(again.titles().is_empty(), "each notice once: {:?}", again.titles());

    f.app.set_notification_settings(&f.account, &NotificationSettings { payment_failures: true, disputes: false }).unwrap();
    f.pay_disputed("777").await;
    let off = Notices::default();
    f.app.sync_once(&f.account, &off).await.unwrap();
    assert!(off.titles().is_empty(), "the switch is off: {:?}", off.titles());
}
