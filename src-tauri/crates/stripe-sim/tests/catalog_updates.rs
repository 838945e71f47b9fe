//! Product and price writes as Stripe takes them: a product's default price, metadata unset
//! with an empty value, archiving, a price's tax behaviour and interval limits, immutable
//! amounts, and archived prices refused for new subscriptions.

mod common;

use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

struct Api {
    sim: Simulator,
    key: String,
}

impl Api {
    async fn start(key: &str) -> Api {
        let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
        Api { sim, key: key.to_string() }
    }

    async fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let (status, _, answer) = common::raw_post(&self.sim, &self.key, path, body, None).await;
        (status, answer)
    }

    /// A POST that must succeed; answers its object.
    async fn ok(&self, path: &str, body: &str) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert_eq!(status, 200, "{path} {body}: {answer}");
        answer
    }

    /// A POST that must be refused with 400; answers the error.
    async fn refused(&self, path: &str, body: &str) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        answer["error"].clone()
    }

    async fn product(&self, name: &str) -> String {
        self.ok("/v1/products", &format!("name={name}")).await["id"].as_str().unwrap().to_string()
    }

    async fn price(&self, product: &str, extra: &str) -> String {
        let body = format!("product={product}&currency=eur&unit_amount=4900{extra}");
        self.ok("/v1/prices", &body).await["id"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn a_default_price_is_set_cleared_and_cannot_be_archived() {
    let api = Api::start("sk_test_51CatalogDefaultPrice000000000").await;
    let product = api.product("Conference+pass").await;
    let other = api.product("Workshop").await;
    let price = api.price(&product, "").await;
    let foreign = api.price(&other, "").await;
    let path = format!("/v1/products/{product}");

    let set = api.ok(&path, &format!("default_price={price}")).await;
    assert_eq!(set["default_price"], price.as_str());
    let error = api.refused(&path, &format!("default_price={foreign}")).await;
    assert_eq!(error["param"], "default_price");
    let (status, missing) = api.post(&path, "default_price=price_missing").await;
    assert_ne!(status, 200);
    assert_eq!((missing["error"]["code"].as_str(), missing["error"]["param"].as_str()), (Some("resource_missing"), Some("default_price")));

    let error = api.refused(&format!("/v1/prices/{price}"), "active=false").await;
    assert!(error["message"].as_str().unwrap().contains("default price"), "{error}");

    let cleared = api.ok(&path, "default_price=").await;
    assert!(cleared["default_price"].is_null());
    let archived = api.ok(&format!("/v1/prices/{price}"), "active=false").await;
    assert_eq!(archived["active"], false);
    let error = api.refused(&path, &format!("default_price={price}")).await;
    assert!(error["message"].as_str().unwrap().contains("inactive"), "{error}");
}

#[tokio::test]
async fn product_metadata_is_unset_by_an_empty_value_and_products_archive() {
    let api = Api::start("sk_test_51CatalogProductMetadata00000000").await;
    let created = api.ok("/v1/products", "name=Pack&active=true&metadata[credits]=5000&metadata[track]=ops").await;
    let path = format!("/v1/products/{}", created["id"].as_str().unwrap());
    let updated = api.ok(&path, "metadata[track]=&metadata[credits]=7000&description=Ten+talks").await;
    assert_eq!(updated["metadata"], serde_json::json!({ "credits": "7000" }));
    assert_eq!(updated["description"], "Ten talks");
    let archived = api.ok(&path, "active=false&description=").await;
    assert_eq!(archived["active"], false);
    assert!(archived["description"].is_null());
    let (status, _, active_only) = common::http(
        &api.sim,
        "GET",
        "/v1/products?active=true",
        &[("Authorization", &format!("Bearer {}", api.key))],
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(active_only["data"].as_array().unwrap().len(), 0, "the archived product is not active");
}

#[tokio::test]
async fn a_price_keeps_its_amount_and_its_tax_behavior_once_set() {
    let api = Api::start("sk_test_51CatalogPriceImmutable0000000").await;
    let product = api.product("Seat").await;
    let price = api.price(&product, "&nickname=Early+bird").await;
    let path = format!("/v1/prices/{price}");

    let error = api.refused(&path, "unit_amount=5900").await;
    assert_eq!(error["code"], "parameter_unknown");
    assert_eq!(error["param"], "unit_amount");

    let renamed = api.ok(&path, "nickname=Regular").await;
    assert_eq!(renamed["nickname"], "Regular");
    assert_eq!(renamed["unit_amount"], 4900);

    let error = api.refused("/v1/prices", &format!("product={product}&currency=eur&unit_amount=1&tax_behavior=included")).await;
    assert_eq!(error["param"], "tax_behavior");
    assert_eq!(api.ok(&path, "tax_behavior=inclusive").await["tax_behavior"], "inclusive");
    let error = api.refused(&path, "tax_behavior=exclusive").await;
    assert_eq!(error["param"], "tax_behavior");
    assert_eq!(api.ok(&path, "tax_behavior=inclusive").await["tax_behavior"], "inclusive");
}

#[tokio::test]
async fn a_recurring_price_charges_at_least_once_a_year() {
    let api = Api::start("sk_test_51CatalogIntervalLimits0000000").await;
    let product = api.product("Membership").await;
    for (interval, longest) in [("day", 365), ("week", 52), ("month", 12), ("year", 1)] {
        let ok = api.price(&product, &format!("&recurring[interval]={interval}&recurring[interval_count]={longest}")).await;
        assert!(ok.starts_with("price_"));
        let body = format!(
            "product={product}&currency=eur&unit_amount=100&recurring[interval]={interval}&recurring[interval_count]={}",
            longest + 1
        );
        let error = api.refused("/v1/prices", &body).await;
        assert_eq!(error["param"], "recurring[interval_count]", "{interval}");
    }
    let body = format!("product={product}&currency=eur&unit_amount=100&recurring[interval]=month&recurring[interval_count]=0");
    assert_eq!(api.refused("/v1/prices", &body).await["param"], "recurring[interval_count]");
    let quarterly = api.ok("/v1/prices", &format!("product={product}&currency=eur&unit_amount=100&recurring[interval]=month&recurring[interval_count]=3")).await;
    assert_eq!(quarterly["recurring"]["interval_count"], 3);
}

#[tokio::test]
async fn an_archived_price_cannot_start_or_join_a_subscription() {
    let api = Api::start("sk_test_51CatalogArchivedPriceSubs000000").await;
    let product = api.product("Membership").await;
    let monthly = api.price(&product, "&recurring[interval]=month").await;
    let archived = api.price(&product, "&recurring[interval]=month").await;
    api.ok(&format!("/v1/prices/{archived}"), "active=false").await;
    let customer = api.ok("/v1/customers", "name=Acme").await["id"].as_str().unwrap().to_string();
    let terms = "collection_method=send_invoice&days_until_due=30";

    let error = api.refused("/v1/subscriptions", &format!("customer={customer}&items[0][price]={archived}&{terms}")).await;
    assert!(error["message"].as_str().unwrap().contains("inactive"), "{error}");
    let subscription = api.ok("/v1/subscriptions", &format!("customer={customer}&items[0][price]={monthly}&{terms}")).await;
    let id = subscription["id"].as_str().unwrap();
    let error = api.refused("/v1/subscription_items", &format!("subscription={id}&price={archived}")).await;
    assert!(error["message"].as_str().unwrap().contains("inactive"), "{error}");

    api.ok(&format!("/v1/prices/{archived}"), "active=true").await;
    let item = api.ok("/v1/subscription_items", &format!("subscription={id}&price={archived}")).await;
    assert_eq!(item["price"]["id"], archived.as_str());
}
