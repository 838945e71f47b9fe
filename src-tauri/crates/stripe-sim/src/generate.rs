//! Bulk data for benchmarks and demos: fills one key's account with N customers and M
//! invoices spread over customers and every invoice state, deterministically for a seed.
//!
//! Objects are made in-process by the same handlers the API uses (no HTTP, no parsing), so
//! they have exactly the API's shapes and emit the usual events (with no request behind
//! them). Counts, names, amounts and states follow the seed; ids are random, as always.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::resources::{customers, invoices, payment_intents, prices, products, refunds, subscriptions};
use crate::server::{ApiContext, Params};
use crate::state::SimState;

/// Most objects one call makes of each kind (a guard against typos, not a real limit).
const MAX_OBJECTS: usize = 1_000_000;

/// What [`generate`] made.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Generated {
    /// Customers made.
    pub customers: usize,
    /// Invoices made.
    pub invoices: usize,
    /// Invoices per final status (`draft`, `open`, `paid`, `void`, `uncollectible`).
    pub invoices_by_status: BTreeMap<String, usize>,
    /// Subscriptions made.
    pub subscriptions: usize,
    /// Subscriptions per status.
    pub subscriptions_by_status: BTreeMap<String, usize>,
    /// Card payments made (each a succeeded payment intent with its charge and fee).
    pub payments: usize,
    /// Of those, payments refunded in part.
    pub refunds: usize,
}

/// A xorshift64* generator: tiny, fast, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // A splitmix64 step spreads nearby seeds apart; zero is xorshift's fixed point.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)).max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

const COMPANIES: &[&str] = &["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne"];
const FORMS: &[&str] = &["GmbH", "Ltd", "Inc", "SARL", "BV", "AB"];
const CATALOG: &[(&str, i64)] = &[("Gold sponsorship", 1_250_000), ("Booth", 150_000), ("Badge", 9_950), ("Workshop seat", 45_000), ("Consulting hour", 18_000)];

fn value(answer: Result<axum::Json<Value>, ApiError>) -> Result<Value, ApiError> {
    answer.map(|json| json.0)
}

fn id_of(object: &Value) -> String {
    object["id"].as_str().unwrap_or_default().to_string()
}

/// Fills the account of `key` with `customers` customers and `invoices` invoices (1–3
/// lines each, states spread as 20% draft, 25% open, 35% paid, 10% void, 10%
/// uncollectible), all in `eur`.
pub async fn generate(state: &Arc<SimState>, key: &str, customers: usize, invoices: usize, seed: u64) -> Result<Generated, ApiError> {
    let api_key = authenticate(key)?;
    if customers > MAX_OBJECTS || invoices > MAX_OBJECTS {
        return Err(ApiError::invalid_request(None, format!("At most {MAX_OBJECTS} customers and invoices per call."), None));
    }
    if invoices > 0 && customers == 0 {
        return Err(ApiError::invalid_param("customers", "Invoices need at least one customer."));
    }
    let account = state.account(&api_key.key, api_key.livemode);
    let ctx = ApiContext::internal(&account, state.clone(), api_key.livemode);
    let mut rng = Rng::new(seed);
    let mut made = Generated::default();

    let mut customer_ids = Vec::with_capacity(customers);
    for n in 0..customers {
        let company = COMPANIES[rng.between(0, COMPANIES.len() as u64 - 1) as usize];
        let form = FORMS[rng.between(0, FORMS.len() as u64 - 1) as usize];
        let params = json!({
            "name": format!("{company} {form} {n}"),
            "email": format!("billing+{n}@{}.example", company.to_ascii_lowercase()),
            "metadata": { "generated": seed.to_string() },
        });
        let customer = value(customers::create(ctx.clone(), Params(params)).await)?;
        customer_ids.push(id_of(&customer));
        made.customers += 1;
    }
    invoices_for(&ctx, &customer_ids, invoices, &mut rng, &mut made).await?;
    Ok(made)
}

/// Adds `count` invoices (as [`generate`] makes them) to the account's existing customers.
/// Bulk data with subscriptions makes its invoices last: billing a subscription looks through
/// every pending invoice item of the account, and 100k invoices' items made first would make
/// each of 10k subscriptions read them all.
pub async fn generate_invoices(state: &Arc<SimState>, key: &str, count: usize, seed: u64) -> Result<Generated, ApiError> {
    let api_key = authenticate(key)?;
    if count > MAX_OBJECTS {
        return Err(ApiError::invalid_request(None, format!("At most {MAX_OBJECTS} invoices per call."), None));
    }
    let account = state.account(&api_key.key, api_key.livemode);
    let customer_ids: Vec<String> = crate::state::lock(&account.data).all("customer").map(id_of).collect();
    if count > 0 && customer_ids.is_empty() {
        return Err(ApiError::invalid_param("invoices", "Invoices need at least one customer."));
    }
    let ctx = ApiContext::internal(&account, state.clone(), api_key.livemode);
    let mut made = Generated::default();
    invoices_for(&ctx, &customer_ids, count, &mut Rng::new(seed ^ 0x1A40), &mut made).await?;
    Ok(made)
}

/// The invoice half of [`generate`]: `invoices` invoices over `customer_ids`, 1–3 catalog lines
/// each, in every state.
async fn invoices_for(ctx: &ApiContext, customer_ids: &[String], invoices: usize, rng: &mut Rng, made: &mut Generated) -> Result<(), ApiError> {
    if invoices == 0 {
        return Ok(());
    }
    let mut catalog = Vec::new();
    for (name, unit_amount) in CATALOG {
        let product = value(products::create(ctx.clone(), Params(json!({ "name": name }))).await)?;
        let price = json!({ "product": id_of(&product), "currency": "eur", "unit_amount": unit_amount.to_string() });
        catalog.push(id_of(&value(prices::create(ctx.clone(), Params(price)).await)?));
    }

    for _ in 0..invoices {
        let customer = &customer_ids[rng.between(0, customer_ids.len() as u64 - 1) as usize];
        let send_invoice = rng.between(0, 1) == 0;
        let mut params = json!({ "customer": customer, "currency": "eur" });
        if send_invoice {
            params["collection_method"] = json!("send_invoice");
            params["days_until_due"] = json!(rng.between(7, 60).to_string());
        }
        let invoice = value(invoices::create(ctx.clone(), Params(params)).await)?;
        let id = id_of(&invoice);
        let lines: Vec<Value> = (0..rng.between(1, 3))
            .map(|_| {
                let price = &catalog[rng.between(0, catalog.len() as u64 - 1) as usize];
                json!({ "pricing": { "price": price }, "quantity": rng.between(1, 5).to_string() })
            })
            .collect();
        value(invoices::add_lines(ctx.clone(), Path(id.clone()), Params(json!({ "lines": lines }))).await)?;
        let roll = rng.between(0, 99);
        let status = match roll {
            0..=19 => "draft",
            20..=44 => "open",
            45..=79 => "paid",
            80..=89 => "void",
            _ => "uncollectible",
        };
        if status != "draft" {
            value(invoices::finalize(ctx.clone(), Path(id.clone()), Params(json!({}))).await)?;
        }
        match status {
            "paid" => {
                let pay = json!({ "paid_out_of_band": "true" });
                value(invoices::pay(ctx.clone(), Path(id.clone()), Params(pay)).await)?;
            }
            "void" => {
                value(invoices::void(ctx.clone(), Path(id.clone()), Params(json!({}))).await)?;
            }
            "uncollectible" => {
                value(invoices::mark_uncollectible(ctx.clone(), Path(id.clone()), Params(json!({}))).await)?;
            }
            _ => {}
        }
        *made.invoices_by_status.entry(status.to_string()).or_default() += 1;
        made.invoices += 1;
    }
    Ok(())
}

/// Checks a key as the API would.
pub(crate) fn authenticate(key: &str) -> Result<crate::auth::ApiKey, ApiError> {
    let mut headers = HeaderMap::new();
    let bearer = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| ApiError::invalid_key(key))?;
    headers.insert(axum::http::header::AUTHORIZATION, bearer);
    crate::auth::authenticate(&headers)
}

/// Adds `count` monthly subscriptions, billed by invoice (`send_invoice`, so no card is
/// needed), to the account's existing customers: about a third on a 14-day trial.
pub async fn generate_subscriptions(state: &Arc<SimState>, key: &str, count: usize, seed: u64) -> Result<Generated, ApiError> {
    let api_key = authenticate(key)?;
    if count > MAX_OBJECTS {
        return Err(ApiError::invalid_request(None, format!("At most {MAX_OBJECTS} subscriptions per call."), None));
    }
    let account = state.account(&api_key.key, api_key.livemode);
    let customer_ids: Vec<String> = crate::state::lock(&account.data).all("customer").map(id_of).collect();
    if count > 0 && customer_ids.is_empty() {
        return Err(ApiError::invalid_param("subscriptions", "Subscriptions need at least one customer."));
    }
    let ctx = ApiContext::internal(&account, state.clone(), api_key.livemode);
    let mut rng = Rng::new(seed ^ 0x5B5C);
    let mut made = Generated::default();
    if count == 0 {
        return Ok(made);
    }
    let product = value(products::create(ctx.clone(), Params(json!({ "name": "Membership" }))).await)?;
    let price = json!({ "product": id_of(&product), "currency": "eur", "unit_amount": "2500", "recurring": { "interval": "month" } });
    let price = id_of(&value(prices::create(ctx.clone(), Params(price)).await)?);
    for _ in 0..count {
        let customer = &customer_ids[rng.between(0, customer_ids.len() as u64 - 1) as usize];
        let mut params = json!({
            "customer": customer,
            "items": [{ "price": price }],
            "collection_method": "send_invoice",
            "days_until_due": "30",
        });
        if rng.between(0, 2) == 0 {
            params["trial_period_days"] = json!("14");
        }
        let subscription = value(subscriptions::create(ctx.clone(), Params(params)).await)?;
        let status = subscription["status"].as_str().unwrap_or("unknown").to_string();
        *made.subscriptions_by_status.entry(status).or_default() += 1;
        made.subscriptions += 1;
    }
    Ok(made)
}

/// Adds `count` succeeded card payments (`pm_card_visa`, EUR 10.00–500.00) to the account's
/// existing customers, each with its charge and balance transaction; one in ten is then
/// refunded by half. Revenue reports read these.
pub async fn generate_payments(state: &Arc<SimState>, key: &str, count: usize, seed: u64) -> Result<Generated, ApiError> {
    let api_key = authenticate(key)?;
    if count > MAX_OBJECTS {
        return Err(ApiError::invalid_request(None, format!("At most {MAX_OBJECTS} payments per call."), None));
    }
    let account = state.account(&api_key.key, api_key.livemode);
    let customer_ids: Vec<String> = crate::state::lock(&account.data).all("customer").map(id_of).collect();
    if count > 0 && customer_ids.is_empty() {
        return Err(ApiError::invalid_param("payments", "Payments need at least one customer."));
    }
    let ctx = ApiContext::internal(&account, state.clone(), api_key.livemode);
    let mut rng = Rng::new(seed ^ 0x9A7E);
    let mut made = Generated::default();
    for _ in 0..count {
        let customer = &customer_ids[rng.between(0, customer_ids.len() as u64 - 1) as usize];
        let amount = rng.between(1_000, 50_000);
        let params = json!({
            "amount": amount.to_string(),
            "currency": "eur",
            "customer": customer,
            "payment_method": "pm_card_visa",
            "confirm": "true",
        });
        let intent = value(payment_intents::create(ctx.clone(), Params(params)).await)?;
        made.payments += 1;
        if rng.between(0, 9) == 0 {
            let refund = json!({ "payment_intent": id_of(&intent), "amount": (amount / 2).to_string() });
            value(refunds::create(ctx.clone(), Params(refund)).await)?;
            made.refunds += 1;
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let first: Vec<u64> = { let mut rng = Rng::new(7); (0..5).map(|_| rng.between(1, 3)).collect() };
        let again: Vec<u64> = { let mut rng = Rng::new(7); (0..5).map(|_| rng.between(1, 3)).collect() };
        let other: Vec<u64> = { let mut rng = Rng::new(8); (0..20).map(|_| rng.next()).collect() };
        assert_eq!(first, again);
        assert!(first.iter().all(|n| (1..=3).contains(n)));
        assert_ne!(other, { let mut rng = Rng::new(7); (0..20).map(|_| rng.next()).collect::<Vec<_>>() });
    }
}
