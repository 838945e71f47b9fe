//! Two conferences' accounts on one stripe-sim for the catalog copy tests, seeded with this
//! year's catalog, and the plan's and Stripe's objects in comparable shapes.

use std::collections::BTreeMap;

use billfold_core::accounts::NewAccount;
use billfold_core::catalog::{
    CopyPlan, CopySource, CopyStep, ObjectRef, PriceInput, ProductInput, RecurringInput,
};
use billfold_core::secrets::Secret;
use billfold_core::store::DATABASE_FILE;
use billfold_core::Billfold;
use serde_json::Value;
use stripe_sim::Simulator;

#[path = "../support/sim_account.rs"]
mod sim_account;

pub fn unique_key() -> String {
    format!("sk_test_51CatalogCopy{}", uuid::Uuid::new_v4().simple())
}

pub fn product(name: &str, metadata: &[(&str, &str)]) -> ProductInput {
    let metadata = metadata
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    ProductInput {
        name: name.into(),
        description: None,
        metadata,
    }
}

pub fn price(unit_amount: i64, interval: Option<&str>, nickname: Option<&str>) -> PriceInput {
    PriceInput {
        currency: "eur".into(),
        unit_amount,
        recurring: interval.map(|interval| RecurringInput {
            interval: interval.into(),
            interval_count: 1,
        }),
        tax_behavior: Some("exclusive".into()),
        nickname: nickname.map(str::to_string),
    }
}

/// Two conferences' accounts on one emulator.
pub struct Fixture {
    pub sim: Simulator,
    pub dir: tempfile::TempDir,
    pub app: Billfold,
    pub source: String,
    pub target: String,
    pub target_key: String,
}

pub async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, source) =
        sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Conf 2026").await;
    let target_key = unique_key();
    let target = app
        .add_account(NewAccount {
            name: "Conf 2027".into(),
            secret_key: Secret::new(&target_key),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap()
        .id;
    Fixture {
        sim,
        dir,
        app,
        source,
        target,
        target_key,
    }
}

impl Fixture {
    /// This year's catalog: a membership (monthly, the default, and yearly), a credit pack,
    /// a pass with an archived early-bird price, and an archived workshop. The target has a
    /// credit pack of the same name made by hand, and a sponsorship the copy must not touch.
    pub async fn seed(&self) {
        let (app, source) = (&self.app, self.source.as_str());
        let membership = app
            .create_product(
                source,
                product("Membership", &[("track", "main")]),
                Some(price(1_000, Some("month"), Some("Monthly"))),
            )
            .await
            .unwrap();
        app.add_price(source, &membership.id, price(10_000, Some("year"), None))
            .await
            .unwrap();
        app.create_product(
            source,
            product("Credit pack", &[("credits", "5000")]),
            Some(price(5_000, None, None)),
        )
        .await
        .unwrap();
        let pass = app
            .create_product(
                source,
                product("Pass", &[]),
                Some(price(30_000, None, None)),
            )
            .await
            .unwrap();
        let early = app
            .add_price(source, &pass.id, price(25_000, None, Some("Early bird")))
            .await
            .unwrap();
        app.set_price_active(source, &early.prices[0].id, false)
            .await
            .unwrap();
        let workshop = app
            .create_product(
                source,
                product("Workshop", &[]),
                Some(price(2_000, None, None)),
            )
            .await
            .unwrap();
        app.set_product_active(source, &workshop.id, false)
            .await
            .unwrap();
        app.create_product(&self.target, product("Credit pack", &[]), None)
            .await
            .unwrap();
        app.create_product(
            &self.target,
            product("Sponsorship", &[]),
            Some(price(500_000, None, None)),
        )
        .await
        .unwrap();
    }

    pub fn source_account(&self) -> CopySource {
        CopySource::Account(self.source.clone())
    }

    pub fn plan(&self, source: &CopySource) -> CopyPlan {
        self.app.plan_catalog_copy(&self.target, source).unwrap()
    }

    pub async fn target_get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.app
            .gateway(&self.target)
            .await
            .unwrap()
            .get_json(path, &query)
            .await
            .unwrap()
    }

    /// The target's products and prices as Stripe has them.
    pub async fn target_stripe(&self) -> (Vec<Value>, Vec<Value>) {
        let products = self.target_get("/v1/products", &[("limit", "100")]).await["data"]
            .as_array()
            .unwrap()
            .clone();
        let prices = self.target_get("/v1/prices", &[("limit", "100")]).await["data"]
            .as_array()
            .unwrap()
            .clone();
        (products, prices)
    }

    pub fn operations(&self) -> i64 {
        let db = rusqlite::Connection::open(self.dir.path().join(DATABASE_FILE)).unwrap();
        db.query_row("SELECT count(*) FROM operations", [], |row| row.get(0))
            .unwrap()
    }
}

pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The prices a plan creates, as (product name, amount, interval, nickname), sorted; a new
/// product's name comes from its create action, an existing one's from `names`.
pub fn planned_prices(
    plan: &CopyPlan,
    names: &BTreeMap<String, String>,
) -> Vec<(String, i64, Option<String>, Option<String>)> {
    let mut prices: Vec<_> = plan
        .actions
        .iter()
        .filter_map(|action| match &action.step {
            CopyStep::CreatePrice { product, form } => {
                let name = match product {
                    ObjectRef::Created(at) => match &plan.actions[*at as usize].step {
                        CopyStep::CreateProduct { form } => {
                            field(form, "name").unwrap().to_string()
                        }
                        other => panic!("{other:?} makes no product"),
                    },
                    ObjectRef::Existing(id) => names[id].clone(),
                };
                let amount = field(form, "unit_amount").unwrap().parse().unwrap();
                Some((
                    name,
                    amount,
                    field(form, "recurring[interval]").map(str::to_string),
                    field(form, "nickname").map(str::to_string),
                ))
            }
            _ => None,
        })
        .collect();
    prices.sort();
    prices
}

/// Stripe's prices made by `operation`, in the shape of [`planned_prices`].
pub fn made_prices(
    prices: &[Value],
    products: &[Value],
    operation: &str,
) -> Vec<(String, i64, Option<String>, Option<String>)> {
    let name_of = |id: &Value| {
        products.iter().find(|p| p["id"] == *id).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut made: Vec<_> = prices
        .iter()
        .filter(|price| price["metadata"]["operation_id"] == operation)
        .map(|price| {
            (
                name_of(&price["product"]),
                price["unit_amount"].as_i64().unwrap(),
                price["recurring"]["interval"].as_str().map(str::to_string),
                price["nickname"].as_str().map(str::to_string),
            )
        })
        .collect();
    made.sort();
    made
}

pub fn by_name<'a>(products: &'a [Value], name: &str) -> &'a Value {
    products
        .iter()
        .find(|product| product["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}
