//! Exports for the accountant against a real stripe-sim and a real sync: three accounts (EUR,
//! JPY, BHD) with POs issued as invoices, card payments, a refund, a credit note, a payout and
//! a cheque; every export is read back with a CSV parser: header and rows, quotes, commas and
//! line breaks surviving, formula cells neutralized while negative amounts stay numbers,
//! amounts in major units by currency exponent, a date range that cuts objects off, and the
//! account column of an all-accounts export.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use billfold_core::accounts::NewAccount;
use billfold_core::exports::{ExportKind, ExportProgress, ExportRequest};
use billfold_core::po::{NewPayment, PaymentMethod, PoInput, PoLineInput};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

const DAY: i64 = 86_400;

/// A parsed export: its header and its rows by column name.
struct Parsed {
    header: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn parse(path: &Path) -> Parsed {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "records end in CRLF");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            assert_eq!(record.len(), header.len(), "every row has every column");
            header.iter().cloned().zip(record.iter().map(str::to_string)).collect()
        })
        .collect();
    Parsed { header, rows }
}

impl Parsed {
    fn column(&self, name: &str) -> Vec<&str> {
        self.rows.iter().map(|row| row[name].as_str()).collect()
    }

    fn find(&self, name: &str, value: &str) -> &HashMap<String, String> {
        self.rows.iter().find(|row| row[name] == value).unwrap_or_else(|| panic!("no row with {name} = {value}"))
    }
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

fn date_of(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap().format("%Y-%m-%d").to_string()
}

async fn add_account(app: &Billfold, sim: &Simulator, name: &str, currency: &str) -> String {
    let key = format!("sk_test_51Export{}", uuid::Uuid::new_v4().simple());
    let account = app
        .add_account(NewAccount {
            name: name.into(),
            secret_key: Secret::new(&key),
            default_currency: currency.into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    account.id
}

fn po(number: &str, organization: &str, quantity: i64, unit_price: &str) -> PoInput {
    PoInput {
        po_number: number.into(),
        organization: organization.into(),
        contact_name: "Ada \"Countess\", Lovelace".into(),
        contact_email: format!("ap-{}@acme.test", uuid::Uuid::new_v4().simple()),
        billing_address: None,
        currency: None,
        payment_terms_days: Some(30),
        notes: None,
        lines: vec![PoLineInput { description: "@SUM(A1) conference tickets".into(), quantity, unit_price: unit_price.into() }],
    }
}

/// A PO issued as a Stripe invoice; answers the PO's and the invoice's ids.
async fn issued_po(app: &Billfold, account: &str, input: PoInput) -> (String, String) {
    let created = app.create_purchase_order(account, input).unwrap();
    let issued = app.issue_purchase_order(account, &created.summary.id).await.unwrap();
    (issued.summary.id.clone(), issued.invoice_id.clone().unwrap())
}

/// A customer named `name` pays `amount` by card; answers the payment intent.
async fn card_payment(app: &Billfold, account: &str, name: &str, amount: i64, currency: &str, description: &str) -> Value {
    let gateway = app.gateway(account).await.unwrap();
    let customer = gateway.post_form("/v1/customers", &form(&[("name", name)]), None).await.unwrap();
    let intent = gateway
        .post_form(
            "/v1/payment_intents",
            &form(&[
                ("amount", &amount.to_string()),
                ("currency", currency),
                ("customer", customer["id"].as_str().unwrap()),
                ("payment_method", "pm_card_visa"),
                ("description", description),
                ("confirm", "true"),
            ]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(intent["status"], "succeeded");
    intent
}

fn request(kind: ExportKind, from: &str, to: &str, account: Option<&str>) -> ExportRequest {
    ExportRequest { kind, from: from.into(), to: to.into(), account_id: account.map(str::to_string) }
}

/// Runs an export into `dir` under its suggested name; answers the parsed file.
fn export(app: &Billfold, dir: &Path, request: &ExportRequest) -> Parsed {
    let name = app.export_file_name(request).unwrap();
    let target = dir.join(&name);
    let mut seen: Vec<ExportProgress> = Vec::new();
    let summary = app.export_csv(request, &target, &mut |progress| seen.push(progress), &AtomicBool::new(false)).unwrap().unwrap();
    let parsed = parse(&target);
    assert_eq!(summary.rows as usize, parsed.rows.len());
    assert_eq!(summary.file_name, name);
    assert_eq!(seen.last().map(|last| (last.rows, last.total)), Some((summary.rows, summary.rows)));
    parsed
}

#[tokio::test]
async fn every_export_reads_back_in_major_units_formula_safe_and_cut_by_its_range() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(data.path(), keychain).unwrap();
    app.set_rate_limit(billfold_core::accounts::Mode::Test, 0).unwrap();
    let eur = add_account(&app, &sim, "Books EUR", "eur").await;
    let jpy = add_account(&app, &sim, "Books JPY", "jpy").await;
    let bhd = add_account(&app, &sim, "Books BHD", "bhd").await;

    // Forty days before everything else: an invoice the later range cuts off.
    let (_, early_invoice) = issued_po(&app, &eur, po("EARLY-1", "Early Bird AG", 1, "10.00")).await;
    sim.advance_clock(40 * DAY);

    let organization = "=HYPERLINK(\"http://evil.test\",\"click\")";
    let (po_id, invoice_id) = issued_po(&app, &eur, po("+1 PO-2026", organization, 2, "1,250.00")).await;
    sim.customer_payment(&invoice_id, Some(100_000), "card").unwrap();
    let gateway = app.gateway(&eur).await.unwrap();
    let invoice: Value = gateway.get_json(&format!("/v1/invoices/{invoice_id}"), &[]).await.unwrap();
    let intents = gateway.get_json("/v1/payment_intents", &[("limit".into(), "100".into())]).await.unwrap();
    let paid_intent = intents["data"].as_array().unwrap().iter().find(|intent| intent["amount"] == 100_000).and_then(|intent| intent["id"].as_str()).map(str::to_string);
    let refund = gateway
        .post_form(
            "/v1/refunds",
            &form(&[
                ("payment_intent", paid_intent.as_deref().expect("the customer's payment has an intent")),
                ("amount", "4000"),
                ("metadata[note]", "=cmd|' /C calc'!A0"),
            ]),
            None,
        )
        .await
        .unwrap();
    gateway.post_form("/v1/credit_notes", &form(&[("invoice", &invoice_id), ("amount", "5000"), ("memo", "-5 goodwill")]), None).await.unwrap();
    let direct = card_payment(&app, &eur, "Line one\nLine two, Ltd.", 1_234, "eur", "-2 discount").await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    app.record_po_payment(
        &eur,
        &po_id,
        NewPayment { amount: "100.00".into(), method: PaymentMethod::Check, reference: Some("CHK-1".into()), received_on: today.clone(), note: None },
    )
    .await
    .unwrap();

    let (_, jpy_invoice) = issued_po(&app, &jpy, po("JP-1", "Tanaka KK", 1, "12,000")).await;
    card_payment(&app, &jpy, "@Tanaka", 1_200, "jpy", "Lunch").await;
    let (_, bhd_invoice) = issued_po(&app, &bhd, po("BH-1", "Manama WLL", 1, "1.250")).await;
    for account in [&eur, &jpy, &bhd] {
        app.sync_once(account, &NoObserver).await.unwrap();
    }

    let late = date_of(invoice["created"].as_i64().unwrap());
    let early_created: Value = gateway.get_json(&format!("/v1/invoices/{early_invoice}"), &[]).await.unwrap();
    let early = date_of(early_created["created"].as_i64().unwrap());
    let end = date_of(invoice["created"].as_i64().unwrap() + 5 * DAY);

    // Invoices: the range from the later day cuts the early invoice off.
    let invoices = export(&app, out.path(), &request(ExportKind::Invoices, &late, &end, Some(&eur)));
    assert_eq!(invoices.header[..3], ["invoice_id", "number", "status"]);
    assert_eq!(invoices.column("invoice_id"), [invoice_id.as_str()]);
    let row = &invoices.rows[0];
    assert_eq!(row["customer_name"], format!("'{organization}"), "a formula is neutralized");
    assert_eq!(row["po_number"], "'+1 PO-2026");
    assert_eq!(row["number"], invoice["number"].as_str().unwrap());
    assert_eq!(row["currency"], "EUR");
    assert_eq!(row["created"], late);
    // 2 × 1,250.00; 1,000.00 paid by card.
    assert_eq!((row["total"].as_str(), row["amount_paid"].as_str()), ("2500.00", "1000.00"));
    let both = export(&app, out.path(), &request(ExportKind::Invoices, &early, &end, Some(&eur)));
    assert_eq!(both.rows.len(), 2, "the wider range holds the early invoice too");
    assert_eq!(both.rows[0]["invoice_id"], early_invoice, "oldest first");
    assert_eq!(both.rows[0]["total"], "10.00");

    // Payments: the invoice's card payment with its invoice and PO, and a direct one whose
    // customer's name holds a comma and a line break.
    let payments = export(&app, out.path(), &request(ExportKind::Payments, &late, &end, Some(&eur)));
    assert_eq!(payments.rows.len(), 2, "{:?}", payments.rows);
    let by_invoice = payments.find("payment_id", paid_intent.as_deref().unwrap());
    assert_eq!(by_invoice["invoice_id"], invoice_id);
    assert_eq!(by_invoice["po_number"], "'+1 PO-2026");
    // 1,000.00 paid, 40.00 of it refunded.
    assert_eq!((by_invoice["amount"].as_str(), by_invoice["amount_refunded"].as_str()), ("1000.00", "40.00"));
    assert!(by_invoice["created"].starts_with(&format!("{late}T")) && by_invoice["created"].ends_with('Z'));
    let direct_row = payments.find("payment_id", direct["id"].as_str().unwrap());
    assert_eq!(direct_row["customer_name"], "Line one\nLine two, Ltd.");
    assert_eq!(direct_row["description"], "'-2 discount");
    assert_eq!((direct_row["amount"].as_str(), direct_row["currency"].as_str()), ("12.34", "EUR"));

    // Refunds and credit notes carry the invoice and its PO.
    let refunds = export(&app, out.path(), &request(ExportKind::Refunds, &late, &end, Some(&eur)));
    assert_eq!(refunds.column("refund_id"), [refund["id"].as_str().unwrap()]);
    let refund_row = &refunds.rows[0];
    assert_eq!((refund_row["amount"].as_str(), refund_row["invoice_number"].as_str()), ("40.00", invoice["number"].as_str().unwrap()));
    assert_eq!(refund_row["note"], "'=cmd|' /C calc'!A0");
    assert_eq!(refund_row["customer_name"], format!("'{organization}"));
    let notes = export(&app, out.path(), &request(ExportKind::CreditNotes, &late, &end, Some(&eur)));
    assert_eq!(notes.rows.len(), 1);
    let note = &notes.rows[0];
    assert_eq!((note["total"].as_str(), note["po_number"].as_str(), note["memo"].as_str()), ("50.00", "'+1 PO-2026", "'-5 goodwill"));
    assert_eq!(note["invoice_id"], invoice_id);

    // Payouts: before its detail opened, a payout says its transactions are not cached; after,
    // one row per transaction, the refund a negative number, the nets adding up to the payout.
    sim.advance_clock(3 * DAY);
    app.sync_once(&eur, &NoObserver).await.unwrap();
    let payouts_range = request(ExportKind::Payouts, &late, &date_of(invoice["created"].as_i64().unwrap() + 10 * DAY), Some(&eur));
    let unfetched = export(&app, out.path(), &payouts_range);
    assert_eq!(unfetched.rows.len(), 1, "{:?}", unfetched.rows);
    assert_eq!((unfetched.rows[0]["transactions_cached"].as_str(), unfetched.rows[0]["transaction_id"].as_str()), ("no", ""));
    let payout_id = unfetched.rows[0]["payout_id"].clone();
    app.payout_detail(&eur, &payout_id).await.unwrap();
    let payouts = export(&app, out.path(), &payouts_range);
    assert!(payouts.rows.len() >= 3, "{:?}", payouts.rows);
    assert!(payouts.rows.iter().all(|row| row["payout_id"] == payout_id && row["transactions_cached"] == "yes"));
    let amounts = payouts.column("amount");
    for expected in ["1000.00", "12.34", "-40.00"] {
        assert!(amounts.contains(&expected), "{expected} in {amounts:?}");
    }
    let cents = |text: &str| -> i64 { text.replace('.', "").parse().unwrap() };
    let nets: i64 = payouts.column("net").iter().map(|net| cents(net)).sum();
    assert_eq!(nets, cents(&payouts.rows[0]["payout_amount"]));

    // The PO journal: every event of the PO with what it moved, by when it happened (today).
    let journal = export(&app, out.path(), &request(ExportKind::PoJournal, &today, &today, Some(&eur)));
    let ours: Vec<&HashMap<String, String>> = journal.rows.iter().filter(|row| row["po_number"] == "'+1 PO-2026").collect();
    let moved = |event: &str| ours.iter().find(|row| row["event"] == event).map(|row| row["amount"].clone());
    assert_eq!(moved("created").as_deref(), Some("2500.00"));
    assert!(ours.iter().any(|row| row["event"] == "issued"));
    assert_eq!(moved("payment_received").as_deref(), Some("1000.00"));
    assert_eq!(moved("refunded").as_deref(), Some("40.00"));
    assert_eq!(moved("credited").as_deref(), Some("50.00"));
    assert_eq!(moved("payment_recorded").as_deref(), Some("100.00"));
    assert!(ours.iter().all(|row| row["organization"] == format!("'{organization}") && row["date"] == today));
    assert!(ours.windows(2).all(|pair| pair[0]["at"] <= pair[1]["at"]), "in time order");
    let yesterday = date_of(chrono::Utc::now().timestamp() - DAY);
    let none = export(&app, out.path(), &request(ExportKind::PoJournal, &yesterday, &yesterday, Some(&eur)));
    assert!(none.rows.is_empty(), "nothing happened yesterday");

    // Every account: the account column first, each currency by its own exponent.
    let all = export(&app, out.path(), &request(ExportKind::Invoices, &late, &end, None));
    assert_eq!(all.header[0], "account");
    let jpy_row = all.find("invoice_id", &jpy_invoice);
    assert_eq!((jpy_row["account"].as_str(), jpy_row["total"].as_str(), jpy_row["currency"].as_str()), ("Books JPY", "12000", "JPY"));
    let bhd_row = all.find("invoice_id", &bhd_invoice);
    assert_eq!((bhd_row["account"].as_str(), bhd_row["total"].as_str(), bhd_row["currency"].as_str()), ("Books BHD", "1.250", "BHD"));
    assert_eq!(all.find("invoice_id", &invoice_id)["account"], "Books EUR");
    assert_eq!(all.rows.len(), 3);
    let jpy_payments = export(&app, out.path(), &request(ExportKind::Payments, &late, &end, Some(&jpy)));
    let tanaka = jpy_payments.find("customer_name", "'@Tanaka");
    assert_eq!((tanaka["amount"].as_str(), tanaka["currency"].as_str()), ("1200", "JPY"));
    assert!(app.export_file_name(&request(ExportKind::Invoices, "2026-01-01", "2026-03-31", None)).unwrap().ends_with("invoices-all-accounts-2026-01-01_2026-03-31.csv"));
    assert_eq!(
        app.export_file_name(&request(ExportKind::CreditNotes, "2026-01-01", "2026-03-31", Some(&eur))).unwrap(),
        "billfold-credit-notes-2026-01-01_2026-03-31.csv"
    );

    // Refusals: a range backwards, a date that is none, an unknown account.
    for (bad, code) in [
        (request(ExportKind::Invoices, "2026-03-01", "2026-01-01", Some(&eur)), ErrorCode::Validation),
        (request(ExportKind::Invoices, "2026-02-30", "2026-03-01", Some(&eur)), ErrorCode::Validation),
        (request(ExportKind::Invoices, "2026-01-01", "2026-03-01", Some("acct_missing")), ErrorCode::NotFound),
    ] {
        let err = app.export_csv(&bad, &out.path().join("bad.csv"), &mut |_| {}, &AtomicBool::new(false)).unwrap_err();
        assert_eq!(err.payload().code, code, "{err}");
    }
    assert!(!out.path().join("bad.csv").exists());
}

#[tokio::test]
async fn a_big_export_streams_with_progress_in_order_and_a_canceled_one_leaves_no_file() {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(data.path(), keychain).unwrap();
    app.set_rate_limit(billfold_core::accounts::Mode::Test, 0).unwrap();
    let key = format!("sk_test_51ExportBig{}", uuid::Uuid::new_v4().simple());
    let generated = sim.generate(&key, 300, 3_000, 7).await.unwrap();
    assert_eq!(generated.invoices, 3_000);
    let account = app
        .add_account(NewAccount {
            name: "Big".into(),
            secret_key: Secret::new(&key),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap()
        .id;
    app.sync_once(&account, &NoObserver).await.unwrap();

    let everything = request(ExportKind::Invoices, "1970-01-01", "2199-12-31", Some(&account));
    let target = out.path().join("big.csv");
    let mut seen: Vec<ExportProgress> = Vec::new();
    let summary =
        app.export_csv(&everything, &target, &mut |progress| seen.push(progress), &AtomicBool::new(false)).unwrap().unwrap();
    assert_eq!(summary.rows, 3_000);
    assert_eq!(seen.first().copied(), Some(ExportProgress { rows: 0, total: 3_000 }), "the total is known from the start");
    assert_eq!(seen.last().copied(), Some(ExportProgress { rows: 3_000, total: 3_000 }));
    assert!(seen.windows(2).all(|pair| pair[0].rows <= pair[1].rows && pair[0].total == pair[1].total), "{seen:?}");
    let parsed = parse(&target);
    assert_eq!(parsed.rows.len(), 3_000);
    let created: Vec<&str> = parsed.column("created");
    assert!(created.windows(2).all(|pair| pair[0] <= pair[1]), "oldest first");
    let ids: std::collections::HashSet<&str> = parsed.column("invoice_id").into_iter().collect();
    assert_eq!(ids.len(), 3_000, "every invoice once");

    // Canceled on its first progress report: no file at the target, no temporary file, and
    // an earlier file at the target untouched.
    std::fs::write(&target, "kept").unwrap();
    let cancel = AtomicBool::new(false);
    let outcome = app
        .export_csv(&everything, &target, &mut |_| cancel.store(true, std::sync::atomic::Ordering::Relaxed), &cancel)
        .unwrap();
    assert!(outcome.is_none());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    let names: Vec<String> = std::fs::read_dir(out.path()).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["big.csv"], "no half file left");
}
