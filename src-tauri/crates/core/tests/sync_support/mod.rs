//! Shared set-up for the sync tests: an app with one account on a fresh stripe-sim, the
//! account's state as Stripe lists it and as the cache holds it, and seed data of every kind.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use billfold_core::accounts::{Mode, NewAccount};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::store::SyncStatus;
use billfold_core::sync::{NoObserver, PaymentMethodRow, SyncReport};
use billfold_core::Billfold;
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

/// A resource name, its list path and the extra query that lists all of it.
type Listing = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Every cached resource, how Stripe lists it in full.
const RESOURCES: &[Listing] = &[
    ("products", "/v1/products", &[]),
    ("prices", "/v1/prices", &[]),
    ("customers", "/v1/customers", &[]),
    ("subscriptions", "/v1/subscriptions", &[("status", "all")]),
    ("invoices", "/v1/invoices", &[]),
    ("invoice_payments", "/v1/invoice_payments", &[]),
    ("credit_notes", "/v1/credit_notes", &[]),
    ("payment_intents", "/v1/payment_intents", &[]),
    ("charges", "/v1/charges", &[]),
    ("refunds", "/v1/refunds", &[]),
    ("disputes", "/v1/disputes", &[]),
];

/// One app with one account on its own emulator.
pub struct Harness {
    /// The emulator.
    pub sim: Simulator,
    /// The app under test.
    pub app: Billfold,
    /// The account's id.
    pub account: String,
    /// The account's test key.
    pub key: String,
    /// Customers opened (whose payment methods were fetched), so the cache must hold them all.
    opened: Mutex<BTreeSet<String>>,
    _dir: tempfile::TempDir,
}

fn key(n: u32) -> String {
    format!("sk_test_51BillfoldSyncTest{n:016}")
}

/// A fresh emulator (rate limit off), app and account; `n` tells accounts apart.
pub async fn harness(config: SimConfig, n: u32) -> Harness {
    let sim = Simulator::start(SimConfig {
        rate_limit_per_sec: None,
        ..config
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain).unwrap();
    // Tests never wait on the client-side limit.
    app.set_rate_limit(Mode::Test, 0).unwrap();
    let key = key(n);
    let view = app
        .add_account(NewAccount {
            name: format!("Conference {n}"),
            secret_key: Secret::new(&key),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    Harness {
        sim,
        app,
        account: view.id,
        key,
        opened: Mutex::new(BTreeSet::new()),
        _dir: dir,
    }
}

impl Harness {
    /// A form POST through the account's gateway.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let form: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let gateway = self.app.gateway(&self.account).await.unwrap();
        gateway
            .post_form(path, &form, None)
            .await
            .unwrap_or_else(|err| panic!("POST {path}: {err}"))
    }

    /// A draft invoice in EUR for `customer` with `count` lines ("<description> <n>", amounts
    /// from `first_amount` up), all added in one request; its id.
    pub async fn draft_invoice_with_lines(
        &self,
        customer: &str,
        count: usize,
        description: &str,
        first_amount: i64,
    ) -> String {
        let invoice = self
            .post(
                "/v1/invoices",
                &[("customer", customer), ("currency", "eur")],
            )
            .await;
        let id = invoice["id"].as_str().unwrap().to_string();
        let lines: Vec<(String, String)> = (0..count)
            .flat_map(|n| {
                [
                    (
                        format!("lines[{n}][description]"),
                        format!("{description} {n}"),
                    ),
                    (
                        format!("lines[{n}][amount]"),
                        (first_amount + n as i64).to_string(),
                    ),
                ]
            })
            .collect();
        let lines: Vec<(&str, &str)> = lines
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(&format!("/v1/invoices/{id}/add_lines"), &lines)
            .await;
        id
    }

    /// A DELETE through the account's gateway.
    pub async fn delete(&self, path: &str) {
        let gateway = self.app.gateway(&self.account).await.unwrap();
        gateway
            .execute(
                billfold_core::gateway::Method::Delete,
                path,
                None,
                None,
                None,
            )
            .await
            .unwrap();
    }

    /// Every item of a Stripe list.
    pub async fn list_all(&self, path: &str, extra: &[(&str, &str)]) -> Vec<Value> {
        let gateway = self.app.gateway(&self.account).await.unwrap();
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut query: Vec<(String, String)> = vec![("limit".into(), "100".into())];
            query.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            if let Some(after) = &after {
                query.push(("starting_after".into(), after.clone()));
            }
            let page = gateway.get_json(path, &query).await.unwrap();
            let items = page["data"].as_array().unwrap().clone();
            after = items
                .last()
                .map(|item| item["id"].as_str().unwrap().to_string());
            all.extend(items);
            if page["has_more"] != true {
                return all;
            }
        }
    }

    /// Opens a customer as a customer view does: its payment methods are fetched.
    pub async fn open_customer(&self, customer: &str) -> Vec<PaymentMethodRow> {
        self.opened.lock().unwrap().insert(customer.to_string());
        self.app
            .refresh_customer_payment_methods(&self.account, customer)
            .await
            .unwrap()
    }

    /// Everything Stripe holds, by resource, each sorted by id; for payment methods, every
    /// one attached to a customer.
    pub async fn stripe_state(&self) -> BTreeMap<String, Vec<Value>> {
        let mut state = BTreeMap::new();
        for (resource, path, extra) in RESOURCES {
            state.insert(
                resource.to_string(),
                sorted(self.list_all(path, extra).await),
            );
        }
        let mut methods = Vec::new();
        for customer in &state["customers"] {
            let path = format!(
                "/v1/customers/{}/payment_methods",
                customer["id"].as_str().unwrap()
            );
            methods.extend(self.list_all(&path, &[]).await);
        }
        state.insert("payment_methods".into(), sorted(methods));
        state
    }

    /// Everything the cache holds, by resource, each sorted by id.
    pub fn cache_state(&self) -> BTreeMap<String, Vec<Value>> {
        let mut state = BTreeMap::new();
        for resource in RESOURCES.iter().map(|r| r.0).chain(["payment_methods"]) {
            state.insert(
                resource.to_string(),
                sorted(
                    self.app
                        .store()
                        .cached_objects(&self.account, resource)
                        .unwrap(),
                ),
            );
        }
        state
    }

    /// Asserts the cache holds exactly what Stripe lists, object for object. Payment methods
    /// are listed per customer, so the cache holds some of them: every customer's default,
    /// every payment method of a customer opened, and whatever events brought; each one it
    /// holds must be attached in Stripe and equal to it.
    pub async fn assert_cache_equals_stripe(&self) {
        let stripe = self.stripe_state().await;
        let cache = self.cache_state();
        let ids = |list: &[Value]| {
            list.iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        for (resource, expected) in &stripe {
            let got = &cache[resource];
            let expected: Vec<Value> = if resource == "payment_methods" {
                let opened = self.opened.lock().unwrap().clone();
                let defaults: BTreeSet<&str> = stripe["customers"]
                    .iter()
                    .filter_map(|c| c["invoice_settings"]["default_payment_method"].as_str())
                    .collect();
                let must = |m: &Value| {
                    defaults.contains(m["id"].as_str().unwrap())
                        || opened.contains(m["customer"].as_str().unwrap())
                };
                let cached: BTreeSet<String> = ids(got).into_iter().collect();
                for method in expected.iter().filter(|m| must(m)) {
                    assert!(
                        cached.contains(method["id"].as_str().unwrap()),
                        "payment method {} of customer {} is not cached",
                        method["id"],
                        method["customer"]
                    );
                }
                expected
                    .iter()
                    .filter(|m| cached.contains(m["id"].as_str().unwrap()))
                    .cloned()
                    .collect()
            } else {
                expected.clone()
            };
            assert_eq!(
                ids(got),
                ids(&expected),
                "{resource}: the cache holds other objects than Stripe"
            );
            for (got, expected) in got.iter().zip(&expected) {
                assert_eq!(
                    got, expected,
                    "{resource} {} differs from Stripe",
                    expected["id"]
                );
            }
        }
        // The lists see the same: every search index equals its table, and the invoice and
        // customer lists count exactly what Stripe has.
        let store = self.app.store();
        store.verify_search_indexes().unwrap();
        let everything = billfold_core::store::ListQuery {
            limit: 1,
            ..Default::default()
        };
        let listed = store
            .list_invoices(&self.account, &everything)
            .unwrap()
            .total;
        assert_eq!(
            listed as usize,
            stripe["invoices"].len(),
            "the invoice list's count"
        );
        let listed = store
            .list_customers(&self.account, &everything)
            .unwrap()
            .total;
        assert_eq!(
            listed as usize,
            stripe["customers"].len(),
            "the customer list's count"
        );
        // Lines beyond the ten an invoice embeds are cached too.
        for invoice in &stripe["invoices"] {
            if invoice["lines"]["has_more"] == true {
                let id = invoice["id"].as_str().unwrap();
                let lines = self
                    .list_all(&format!("/v1/invoices/{id}/lines"), &[])
                    .await;
                assert_eq!(
                    self.app
                        .store()
                        .cached_children(&self.account, "invoices", id)
                        .unwrap(),
                    lines
                );
            }
        }
    }

    /// One sync, which must succeed.
    pub async fn sync(&self) -> SyncReport {
        self.app
            .sync_once(&self.account, &NoObserver)
            .await
            .unwrap()
    }

    /// The account's sync status.
    pub fn status(&self) -> SyncStatus {
        self.app.sync_status(&self.account).unwrap()
    }
}

fn sorted(mut objects: Vec<Value>) -> Vec<Value> {
    objects.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    objects
}

/// Generated customers and invoices in every state, subscriptions, an invoice with more lines
/// than it embeds, a payment with a refund, a dispute, a default and a second saved card, and a
/// credit note.
pub async fn seed(h: &Harness) {
    h.sim.generate(&h.key, 25, 120, 7).await.unwrap();
    h.sim.generate_subscriptions(&h.key, 8, 7).await.unwrap();
    let customers = h.list_all("/v1/customers", &[]).await;
    let customer = customers[0]["id"].as_str().unwrap();

    h.draft_invoice_with_lines(customer, 12, "Workshop day", 1_000)
        .await;

    let paid = h
        .post(
            "/v1/payment_intents",
            &[
                ("amount", "5000"),
                ("currency", "eur"),
                ("customer", customer),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ],
        )
        .await;
    h.post(
        "/v1/refunds",
        &[
            ("payment_intent", paid["id"].as_str().unwrap()),
            ("amount", "1000"),
        ],
    )
    .await;
    h.post(
        "/v1/payment_intents",
        &[
            ("amount", "4200"),
            ("currency", "eur"),
            ("payment_method", "pm_card_createDispute"),
            ("confirm", "true"),
        ],
    )
    .await;
    // A default card (which a backfill caches) and a second one (fetched when opened).
    let card = h
        .post(
            "/v1/payment_methods/pm_card_visa/attach",
            &[("customer", customer)],
        )
        .await;
    h.post(
        &format!("/v1/customers/{customer}"),
        &[(
            "invoice_settings[default_payment_method]",
            card["id"].as_str().unwrap(),
        )],
    )
    .await;
    h.post(
        "/v1/payment_methods/pm_card_mastercard/attach",
        &[("customer", customer)],
    )
    .await;

    let open = h.list_all("/v1/invoices", &[("status", "open")]).await;
    h.post(
        "/v1/credit_notes",
        &[
            ("invoice", open[0]["id"].as_str().unwrap()),
            ("amount", "100"),
        ],
    )
    .await;
    h.post(
        &format!("/v1/invoices/{}/pay", open[1]["id"].as_str().unwrap()),
        &[("payment_method", "pm_card_visa")],
    )
    .await;
}
