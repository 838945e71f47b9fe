//! The catalog against a real stripe-sim: products and prices created, edited, replaced,
//! archived and unarchived through the journal, with Stripe and the cache agreeing; the list's
//! filters and credit packs; bad input refused with nothing recorded or sent; and a kill
//! mid-create resumed into exactly one product and one price.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::catalog::{CatalogQuery, PriceInput, ProductInput, ProductRow, RecurringInput};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, CreateProduct, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::Value;
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_CATALOG_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_CATALOG_CHILD_KEY";

fn unique_key() -> String {
    format!("sk_test_51Catalog{}", uuid::Uuid::new_v4().simple())
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

fn product(name: &str) -> ProductInput {
    ProductInput { name: name.into(), description: None, metadata: BTreeMap::new() }
}

fn monthly(unit_amount: i64) -> PriceInput {
    PriceInput {
        currency: "EUR".into(),
        unit_amount,
        recurring: Some(RecurringInput { interval: "month".into(), interval_count: 1 }),
        tax_behavior: Some("exclusive".into()),
        nickname: Some("Monthly".into()),
    }
}

fn one_off(unit_amount: i64) -> PriceInput {
    PriceInput { recurring: None, tax_behavior: None, nickname: None, ..monthly(unit_amount) }
}

/// A test's account on a fresh emulator.
struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Catalog").await;
    Fixture { sim, key, dir, app, account }
}

impl Fixture {
    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().get_json(path, &form(query)).await.unwrap()
    }

    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
    }

    /// The product as the cache holds it (Stripe's JSON).
    fn cached_product(&self, id: &str) -> Value {
        let all = self.app.store().cached_objects(&self.account, "products").unwrap();
        all.into_iter().find(|product| product["id"] == id).expect("the product is cached")
    }

    fn list(&self, active: Option<bool>, search: Option<&str>) -> Vec<ProductRow> {
        let query = CatalogQuery { active, search: search.map(str::to_string) };
        self.app.list_catalog(&self.account, &query).unwrap()
    }

    fn operations(&self) -> i64 {
        let db = rusqlite::Connection::open(self.dir.path().join(DATABASE_FILE)).unwrap();
        db.query_row("SELECT count(*) FROM operations", [], |row| row.get(0)).unwrap()
    }
}

fn names(rows: &[ProductRow]) -> Vec<&str> {
    rows.iter().map(|row| row.name.as_str()).collect()
}

#[tokio::test]
async fn a_product_is_created_with_its_default_price_then_edited() {
    let f = fixture().await;
    let input = ProductInput {
        name: "Conference pass".into(),
        description: Some("Three days".into()),
        metadata: BTreeMap::from([("track".into(), "main".into()), ("credits".into(), "5000".into())]),
    };
    let before = f.sim.request_count();
    let row = f.app.create_product(&f.account, input, Some(monthly(49_900))).await.unwrap();
    assert_eq!(f.sim.request_count() - before, 3, "product, price, default price");
    assert_eq!((row.name.as_str(), row.description.as_deref(), row.active), ("Conference pass", Some("Three days"), true));
    assert_eq!(row.credits, Some(5000));
    assert_eq!(row.prices.len(), 1);
    let price = &row.prices[0];
    assert_eq!((price.currency.as_str(), price.unit_amount, price.active), ("eur", Some(49_900), true));
    assert_eq!((price.recurring_interval.as_deref(), price.recurring_interval_count), (Some("month"), Some(1)));
    assert_eq!((price.tax_behavior.as_deref(), price.nickname.as_deref()), (Some("exclusive"), Some("Monthly")));
    assert_eq!(price.product_id, row.id);

    let stripe = f.get(&format!("/v1/products/{}", row.id), &[]).await;
    assert_eq!(stripe["default_price"], price.id.as_str());
    let operation_id = stripe["metadata"]["operation_id"].as_str().unwrap().to_string();
    assert!(operation_id.starts_with("op_"));
    let stripe_price = f.get(&format!("/v1/prices/{}", price.id), &[]).await;
    assert_eq!(stripe_price["metadata"]["operation_id"], operation_id.as_str());
    assert_eq!(f.cached_product(&row.id)["default_price"], price.id.as_str());
    assert_eq!(f.list(None, None), vec![row.clone()]);

    // The edit drops the description and the `track` key, keeps the operation's mark.
    let edit = ProductInput {
        name: "Conference pass 2027".into(),
        description: None,
        metadata: BTreeMap::from([("credits".into(), "7500".into()), ("operation_id".into(), operation_id.clone())]),
    };
    let before = f.sim.request_count();
    let edited = f.app.update_product(&f.account, &row.id, edit).await.unwrap();
    assert_eq!(f.sim.request_count() - before, 1, "one POST");
    assert_eq!((edited.name.as_str(), edited.description.as_deref(), edited.credits), ("Conference pass 2027", None, Some(7500)));
    assert!(!edited.metadata.contains_key("track"));
    assert!(edited.updated >= row.updated);
    let stripe = f.get(&format!("/v1/products/{}", row.id), &[]).await;
    assert_eq!(stripe["metadata"], serde_json::json!({ "credits": "7500", "operation_id": operation_id }));
    assert!(stripe["description"].is_null());
    assert_eq!(stripe["name"], "Conference pass 2027");
}

#[tokio::test]
async fn replacing_a_price_archives_the_old_one_and_moves_the_default() {
    let f = fixture().await;
    let row = f.app.create_product(&f.account, product("Membership"), Some(monthly(1_000))).await.unwrap();
    let old = row.prices[0].id.clone();
    let yearly = PriceInput {
        recurring: Some(RecurringInput { interval: "year".into(), interval_count: 1 }),
        nickname: Some("Yearly".into()),
        ..monthly(10_000)
    };
    let before = f.sim.request_count();
    let replaced = f.app.replace_price(&f.account, &old, yearly).await.unwrap();
    assert_eq!(f.sim.request_count() - before, 3, "new price, default, archive");
    assert_eq!(replaced.prices.len(), 2);
    let (new, archived) = (&replaced.prices[0], &replaced.prices[1]);
    assert_eq!(archived.id, old, "newest first");
    assert!(!archived.active);
    assert!(new.active);
    assert_eq!((new.unit_amount, new.recurring_interval.as_deref()), (Some(10_000), Some("year")));
    assert_eq!(new.product_id, row.id);

    let stripe = f.get(&format!("/v1/products/{}", row.id), &[]).await;
    assert_eq!(stripe["default_price"], new.id.as_str());
    assert_eq!(f.get(&format!("/v1/prices/{old}"), &[]).await["active"], false);
    assert_eq!(f.get(&format!("/v1/prices/{}", new.id), &[]).await["unit_amount"], 10_000);
    assert_eq!(f.cached_product(&row.id)["default_price"], new.id.as_str());

    // A price that is not the default is replaced without touching the default.
    let added = f.app.add_price(&f.account, &row.id, one_off(2_500)).await.unwrap();
    let extra = added.prices[0].id.clone();
    assert_eq!(added.prices[0].recurring_interval, None);
    let before = f.sim.request_count();
    let again = f.app.replace_price(&f.account, &extra, one_off(3_000)).await.unwrap();
    assert_eq!(f.sim.request_count() - before, 2, "new price, archive");
    assert_eq!(again.prices.len(), 4);
    assert_eq!(f.get(&format!("/v1/products/{}", row.id), &[]).await["default_price"], new.id.as_str());

    // An archived price has nothing left to replace.
    let before = (f.sim.request_count(), f.operations());
    let refused = f.app.replace_price(&f.account, &old, monthly(1_100)).await.unwrap_err();
    assert!(matches!(&refused, Error::Validation(message) if message.contains("archived")), "{refused}");
    assert_eq!((f.sim.request_count(), f.operations()), before);
}

#[tokio::test]
async fn archiving_and_unarchiving_follow_the_filters() {
    let f = fixture().await;
    let pass = f.app.create_product(&f.account, product("Pass"), Some(one_off(30_000))).await.unwrap();
    let dinner = f.app.create_product(&f.account, product("Dinner"), None).await.unwrap();
    assert!(dinner.prices.is_empty());
    // A product made elsewhere, synced in: its `credits` is not a number, so it is no pack.
    f.post("/v1/products", &[("name", "Add-on"), ("metadata[credits]", "lots")]).await;
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    assert_eq!(names(&f.list(None, None)), ["Add-on", "Dinner", "Pass"], "by name");
    assert_eq!(f.list(None, Some("add-on"))[0].credits, None);

    let archived = f.app.set_product_active(&f.account, &dinner.id, false).await.unwrap();
    assert!(!archived.active);
    assert_eq!(f.get(&format!("/v1/products/{}", dinner.id), &[]).await["active"], false);
    assert_eq!(names(&f.list(Some(true), None)), ["Add-on", "Pass"]);
    assert_eq!(names(&f.list(Some(false), None)), ["Dinner"]);
    assert_eq!(names(&f.list(Some(true), Some("PASS"))), ["Pass"]);
    assert!(f.list(Some(false), Some("pass")).is_empty());
    let price_id = pass.prices[0].id.clone();
    assert_eq!(names(&f.list(None, Some(&price_id))), ["Pass"], "found by a price id");

    let before = (f.sim.request_count(), f.operations());
    let again = f.app.set_product_active(&f.account, &dinner.id, false).await.unwrap_err();
    assert!(matches!(&again, Error::Validation(message) if message.contains("already archived")), "{again}");
    assert_eq!((f.sim.request_count(), f.operations()), before);
    let restored = f.app.set_product_active(&f.account, &dinner.id, true).await.unwrap();
    assert!(restored.active);
    assert!(f.list(Some(false), None).is_empty());

    // The default price is cleared first, as Stripe will not archive it.
    let before = f.sim.request_count();
    let without = f.app.set_price_active(&f.account, &price_id, false).await.unwrap();
    assert_eq!(f.sim.request_count() - before, 2, "clear the default, archive");
    assert!(!without.prices[0].active);
    assert!(f.get(&format!("/v1/products/{}", pass.id), &[]).await["default_price"].is_null());
    assert_eq!(f.get(&format!("/v1/prices/{price_id}"), &[]).await["active"], false);
    assert!(f.cached_product(&pass.id)["default_price"].is_null());
    let again = f.app.set_price_active(&f.account, &price_id, false).await.unwrap_err();
    assert!(matches!(&again, Error::Validation(message) if message.contains("already archived")), "{again}");
    let back = f.app.set_price_active(&f.account, &price_id, true).await.unwrap();
    assert!(back.prices[0].active);
    assert_eq!(f.get(&format!("/v1/prices/{price_id}"), &[]).await["active"], true);
}

#[tokio::test]
async fn bad_input_sends_nothing_and_records_nothing() {
    let f = fixture().await;
    let row = f.app.create_product(&f.account, product("Pass"), Some(monthly(1_000))).await.unwrap();
    let price_id = row.prices[0].id.clone();
    // In Stripe but not in the cache (never synced).
    let stranger = f.post("/v1/products", &[("name", "Elsewhere")]).await["id"].as_str().unwrap().to_string();
    let before = (f.sim.request_count(), f.operations());

    let every = |interval: &str, interval_count: u32| PriceInput {
        recurring: Some(RecurringInput { interval: interval.into(), interval_count }),
        ..monthly(1_000)
    };
    let too_many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
    let (app, account) = (&f.app, f.account.as_str());
    let refusals = [
        app.create_product(account, product(" "), None).await,
        app.create_product(account, product(&"n".repeat(251)), None).await,
        app.create_product(account, ProductInput { metadata: too_many, ..product("Pass") }, None).await,
        app.create_product(account, product("Pass"), Some(one_off(-1))).await,
        app.create_product(account, product("Pass"), Some(one_off(100_000_000))).await,
        app.create_product(account, product("Pass"), Some(PriceInput { currency: "xxx".into(), ..one_off(1) })).await,
        app.create_product(account, product("Pass"), Some(every("month", 13))).await,
        app.create_product(account, product("Pass"), Some(every("week", 0))).await,
        app.create_product(account, product("Pass"), Some(every("quarter", 1))).await,
        app.create_product(account, product("Pass"), Some(PriceInput { tax_behavior: Some("gross".into()), ..one_off(1) })).await,
        app.update_product(account, &stranger, product("Mine now")).await,
        app.update_product(account, "prod_1/../../v1/customers", product("Pass")).await,
        app.set_product_active(account, &stranger, false).await,
        app.set_product_active(account, &row.id, true).await,
        app.add_price(account, &stranger, one_off(100)).await,
        app.add_price(account, &row.id, every("day", 366)).await,
        app.replace_price(account, "price_missing", one_off(100)).await,
        app.replace_price(account, &price_id, every("year", 2)).await,
        app.set_price_active(account, "price_missing", false).await,
        app.set_price_active(account, &price_id, true).await,
    ];
    for (index, refused) in refusals.into_iter().enumerate() {
        assert!(matches!(refused, Err(Error::Validation(_))), "case {index}: {refused:?}");
    }
    assert_eq!((f.sim.request_count(), f.operations()), before, "nothing sent, nothing recorded");
}

/// The child's side of the kill test: record and run one product creation until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let input = CreateProduct {
        product: form(&[("name", "Once")]),
        price: Some(form(&[("currency", "eur"), ("unit_amount", "1500")])),
    };
    let input = serde_json::to_value(input).unwrap();
    let operation = journal::begin(&store, account, OperationKind::CreateProduct, input).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_mid_create_resumes_into_exactly_one_product_and_one_price() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let config = serde_json::json!({ "dir": f.dir.path(), "account": f.account, "base": f.sim.base_url() });
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    // Killed while its second request, the price, is in flight: the product's answer is saved.
    let test = "a_process_killed_mid_create_resumes_into_exactly_one_product_and_one_price";
    kill::kill_child_in_flight(&f.sim, test, &env, 2).await;

    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!(pending.len(), 1, "the killed operation is pending");
    assert_eq!((pending[0].kind, pending[0].step), (OperationKind::CreateProduct, 1), "the product's answer is saved");
    assert_eq!(f.app.resume_operations().await.unwrap(), 1);
    let done = f.app.store().operation(&pending[0].id).unwrap();
    assert_eq!(done.status, OperationStatus::Done);

    let products = f.get("/v1/products", &[("limit", "100")]).await;
    let products = products["data"].as_array().unwrap();
    assert_eq!(products.len(), 1, "one product");
    let product_id = products[0]["id"].as_str().unwrap();
    assert_eq!(done.output().unwrap()["product_id"], product_id);
    let prices = f.get("/v1/prices", &[("product", product_id), ("limit", "100")]).await;
    let prices = prices["data"].as_array().unwrap();
    assert_eq!(prices.len(), 1, "the replay under the same key made no second price");
    assert_eq!(prices[0]["metadata"]["operation_id"], pending[0].id.as_str());
    let stripe = f.get(&format!("/v1/products/{product_id}"), &[]).await;
    assert_eq!(stripe["default_price"], prices[0]["id"]);

    let catalog = f.list(None, None);
    assert_eq!(catalog.len(), 1);
    assert_eq!(catalog[0].prices.len(), 1);
    assert_eq!(catalog[0].prices[0].id, prices[0]["id"].as_str().unwrap());
    assert_eq!(catalog[0].prices[0].unit_amount, Some(1500));
}
