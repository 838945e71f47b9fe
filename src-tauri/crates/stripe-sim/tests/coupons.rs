//! Coupons and discounts: the coupon endpoints and their refusals, discounts on
//! subscriptions and invoices (totals with percentage and amount-off coupons, per-line
//! amounts, proration lines left alone), the three durations across renewals, redemption
//! limits, previews that equal the invoice, and the events.

mod common;
mod subscription_support;

use serde_json::Value;
use stripe_shared::InvoiceStatus;
use subscription_support::*;

struct Api {
    sim: stripe_sim::Simulator,
    client: stripe::Client,
    key: String,
}

impl Api {
    async fn start() -> Api {
        let (sim, client, key) = start_with_key().await;
        Api { sim, client, key }
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

    /// A POST that must be refused with `status`; answers the error.
    async fn refused(&self, status: u16, path: &str, body: &str) -> Value {
        let (got, answer) = self.post(path, body).await;
        assert_eq!(got, status, "{path} {body}: {answer}");
        answer["error"].clone()
    }

    async fn get(&self, path: &str) -> Value {
        raw_get(&self.sim, &self.key, path).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        let auth = format!("Bearer {}", self.key);
        let (status, _, answer) = common::http(&self.sim, "DELETE", path, &[("Authorization", auth.as_str())], "").await;
        (status, answer)
    }

    /// A customer paying by card, and a monthly price of `unit_amount` cents with its product.
    async fn customer_and_price(&self, unit_amount: i64) -> (String, String, String) {
        let (customer, _) = customer_with_card(&self.client, "pm_card_visa").await;
        let price = monthly_price(&self.client, unit_amount).await;
        let product = self.get(&format!("/v1/prices/{price}")).await["product"].as_str().unwrap().to_string();
        (customer, price, product)
    }

    /// A subscription to `price` with `discounts` (a form fragment).
    async fn subscribe(&self, customer: &str, price: &str, discounts: &str) -> Value {
        self.ok("/v1/subscriptions", &format!("customer={customer}&items[0][price]={price}&{discounts}")).await
    }

    async fn invoice(&self, id: &Value) -> Value {
        self.get(&format!("/v1/invoices/{}", id.as_str().unwrap())).await
    }

    /// Moves the clock to the end of the subscription's current period, so it renews once.
    async fn renew(&self, subscription: &str) -> Value {
        let current = self.get(&format!("/v1/subscriptions/{subscription}")).await;
        let end = current["items"]["data"][0]["current_period_end"].as_i64().unwrap();
        self.sim.advance_clock(end - common_now(&self.sim).await);
        let renewed = self.get(&format!("/v1/subscriptions/{subscription}")).await;
        assert_ne!(renewed["latest_invoice"], current["latest_invoice"], "a renewal invoice");
        renewed
    }

    async fn event_objects(&self, event_type: &str) -> Vec<Value> {
        let events = self.get(&format!("/v1/events?type={event_type}&limit=100")).await;
        events["data"].as_array().unwrap().iter().rev().map(|event| event["data"]["object"].clone()).collect()
    }
}

/// `(subtotal, discount total, total, amount_due)` of an invoice.
fn totals(invoice: &Value) -> (i64, i64, i64, i64) {
    let discounted = invoice["total_discount_amounts"].as_array().unwrap().iter().map(|a| a["amount"].as_i64().unwrap()).sum();
    (invoice["subtotal"].as_i64().unwrap(), discounted, invoice["total"].as_i64().unwrap(), invoice["amount_due"].as_i64().unwrap())
}

fn line_discounts(invoice: &Value) -> Vec<i64> {
    invoice["lines"]["data"].as_array().unwrap().iter().map(|line| line["discount_amounts"].as_array().unwrap().iter().map(|a| a["amount"].as_i64().unwrap()).sum()).collect()
}

#[tokio::test]
async fn coupons_are_created_read_renamed_listed_and_deleted() {
    let api = Api::start().await;
    let percent = api.ok("/v1/coupons", "id=EARLY&percent_off=25.5&duration=forever&name=Early+bird&metadata[campaign]=spring").await;
    assert_eq!(percent["object"], "coupon");
    assert_eq!(percent["percent_off"], serde_json::json!(25.5), "kept as a JSON number");
    assert_eq!((percent["amount_off"].clone(), percent["currency"].clone()), (Value::Null, Value::Null));
    assert_eq!((percent["times_redeemed"].as_i64(), percent["valid"].as_bool()), (Some(0), Some(true)));
    let amount = api.ok("/v1/coupons", "amount_off=500&currency=USD&duration=repeating&duration_in_months=3&max_redemptions=10").await;
    let generated = amount["id"].as_str().unwrap();
    assert_eq!(generated.len(), 8, "a generated code: {generated}");
    assert_eq!((amount["currency"].as_str(), amount["duration_in_months"].as_i64()), (Some("usd"), Some(3)));
    let once = api.ok("/v1/coupons", "percent_off=10").await;
    assert_eq!(once["duration"], "once", "the default duration");

    assert_eq!(api.get("/v1/coupons/EARLY").await, percent);
    let renamed = api.ok("/v1/coupons/EARLY", "name=Spring&metadata[campaign]=").await;
    assert_eq!((renamed["name"].as_str(), renamed["metadata"].clone()), (Some("Spring"), serde_json::json!({})));
    let error = api.refused(400, "/v1/coupons/EARLY", "percent_off=50").await;
    assert_eq!((error["code"].as_str(), error["param"].as_str()), (Some("parameter_unknown"), Some("percent_off")), "terms are fixed");

    let first = api.get("/v1/coupons?limit=2").await;
    let ids: Vec<&str> = first["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![once["id"].as_str().unwrap(), generated], "newest first");
    assert_eq!(first["has_more"], true);
    let rest = api.get(&format!("/v1/coupons?limit=2&starting_after={generated}")).await;
    assert_eq!(rest["data"][0]["id"], "EARLY");
    assert_eq!(rest["has_more"], false);

    let (status, deleted) = api.delete("/v1/coupons/EARLY").await;
    assert_eq!((status, deleted), (200, serde_json::json!({ "id": "EARLY", "object": "coupon", "deleted": true })));
    let (status, _, missing) = common::http(&api.sim, "GET", "/v1/coupons/EARLY", &[("Authorization", &format!("Bearer {}", api.key))], "").await;
    assert_eq!((status, missing["error"]["code"].as_str()), (404, Some("resource_missing")));
    assert_eq!(api.get("/v1/coupons").await["data"].as_array().unwrap().len(), 2);
    assert_eq!(event_types(&api.client, "coupon.*").await, vec!["coupon.created", "coupon.created", "coupon.created", "coupon.updated", "coupon.deleted"]);
    let updated = api.get("/v1/events?type=coupon.updated").await;
    assert_eq!(updated["data"][0]["data"]["previous_attributes"]["name"], "Early bird");
}

#[tokio::test]
async fn coupon_terms_are_checked_strictly() {
    let api = Api::start().await;
    let product = api.ok("/v1/products", "name=Workshop").await["id"].as_str().unwrap().to_string();
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("percent_off=10&amount_off=100&currency=usd", None, "amount_off"),
        ("duration=forever", None, "percent_off"),
        ("percent_off=0", Some("parameter_invalid_string"), "percent_off"),
        ("percent_off=100.5", Some("parameter_invalid_string"), "percent_off"),
        ("percent_off=12.345", Some("parameter_invalid_string"), "percent_off"),
        ("amount_off=100", Some("parameter_missing"), "currency"),
        ("amount_off=0&currency=usd", Some("parameter_invalid_string"), "amount_off"),
        ("percent_off=10&duration=repeating", Some("parameter_missing"), "duration_in_months"),
        ("percent_off=10&duration=forever&duration_in_months=3", Some("parameter_invalid_string"), "duration_in_months"),
        ("percent_off=10&duration=weekly", Some("parameter_invalid_string"), "duration"),
        ("percent_off=10&max_redemptions=0", Some("parameter_invalid_string"), "max_redemptions"),
        ("percent_off=10&redeem_by=1000", Some("parameter_invalid_string"), "redeem_by"),
        ("percent_off=10&applies_to[products][]=prod_nope", Some("resource_missing"), "applies_to[products][0]"),
        ("percent_off=10&currency_options[eur][amount_off]=5", Some("parameter_unknown"), "currency_options"),
    ];
    for (body, code, param) in cases {
        let (status, answer) = api.post("/v1/coupons", body).await;
        assert!(status == 400 || status == 404, "{body}: {status} {answer}");
        assert_eq!((answer["error"]["code"].as_str(), answer["error"]["param"].as_str()), (*code, Some(*param)), "{body}: {answer}");
        assert_eq!(answer["error"]["type"], "invalid_request_error");
    }
    let scoped = api.ok("/v1/coupons", &format!("id=WORKSHOP&percent_off=33.33&applies_to[products][]={product}")).await;
    assert_eq!(scoped["applies_to"]["products"], serde_json::json!([product]));
    let error = api.refused(400, "/v1/coupons", "id=WORKSHOP&percent_off=5").await;
    assert_eq!(error["code"], "resource_already_exists");
    assert_eq!(api.get("/v1/coupons").await["data"].as_array().unwrap().len(), 1, "nothing refused was stored");
}

#[tokio::test]
async fn a_forever_percentage_lowers_every_invoice_spread_over_the_lines() {
    let api = Api::start().await;
    let (customer, seats, _) = api.customer_and_price(3_000).await;
    let support = monthly_price(&api.client, 1_000).await;
    api.ok("/v1/coupons", "id=QUARTER&percent_off=25.5&duration=forever").await;
    let subscription = api
        .ok("/v1/subscriptions", &format!("customer={customer}&items[0][price]={seats}&items[1][price]={support}&discounts[0][coupon]=QUARTER&expand[]=discounts"))
        .await;
    let discount = &subscription["discounts"][0];
    assert_eq!((discount["object"].as_str(), discount["source"]["coupon"].as_str()), (Some("discount"), Some("QUARTER")));
    assert_eq!(api.event_objects("customer.discount.created").await, vec![discount.clone()]);
    assert!(discount["id"].as_str().unwrap().starts_with("di_"));
    assert_eq!((discount["subscription"].clone(), discount["customer"].as_str(), discount["end"].clone()), (subscription["id"].clone(), Some(customer.as_str()), Value::Null));
    let first = api.invoice(&subscription["latest_invoice"]).await;
    // 25.5% of 40.00 = 10.20, spread 7.65 and 2.55 over the two lines.
    assert_eq!(totals(&first), (4_000, 1_020, 2_980, 2_980));
    assert_eq!(line_discounts(&first), vec![765, 255]);
    assert_eq!(first["discounts"], serde_json::json!([discount["id"]]));
    assert_eq!(first["total_discount_amounts"][0]["discount"], discount["id"]);
    assert_eq!((first["status"].as_str(), first["amount_paid"].as_i64()), (Some("paid"), Some(2_980)));

    let sub_id = subscription["id"].as_str().unwrap();
    for _ in 0..2 {
        let renewed = api.renew(sub_id).await;
        assert_eq!(totals(&api.invoice(&renewed["latest_invoice"]).await), (4_000, 1_020, 2_980, 2_980));
        assert_eq!(renewed["discounts"], serde_json::json!([discount["id"]]), "forever stays");
    }
    // The shapes read back through async-stripe.
    let typed = retrieve(&api.client, sub_id).await;
    assert_eq!(typed.discounts.len(), 1);
    let invoices = invoices_of(&api.client, sub_id).await;
    assert!(invoices.iter().all(|invoice| invoice.total == 2_980 && invoice.total_discount_amounts.as_ref().is_some_and(|a| a[0].amount == 1_020)));
    assert_eq!(api.get("/v1/coupons/QUARTER").await["times_redeemed"], 1, "one redemption, however many invoices");
}

#[tokio::test]
async fn an_amount_off_once_is_capped_and_used_up_by_the_first_invoice() {
    let api = Api::start().await;
    let (customer, price, _) = api.customer_and_price(3_000).await;
    api.ok("/v1/coupons", "id=FIFTY&amount_off=5000&currency=usd&duration=once").await;
    let subscription = api.subscribe(&customer, &price, "discounts[0][coupon]=FIFTY").await;
    let first = api.invoice(&subscription["latest_invoice"]).await;
    assert_eq!(totals(&first), (3_000, 3_000, 0, 0), "capped at what the invoice bills");
    assert_eq!(first["status"], "paid");
    let stored = api.get(&format!("/v1/subscriptions/{}", subscription["id"].as_str().unwrap())).await;
    assert_eq!(stored["discounts"], serde_json::json!([]), "once: used up");
    assert_eq!(stored["status"], "active");
    let deleted = api.event_objects("customer.discount.deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["id"], first["discounts"][0]);

    let renewed = api.renew(subscription["id"].as_str().unwrap()).await;
    assert_eq!(totals(&api.invoice(&renewed["latest_invoice"]).await), (3_000, 0, 3_000, 3_000));

    // A smaller amount off comes off in full.
    api.ok("/v1/coupons", "id=FIVE&amount_off=500&currency=usd&duration=once").await;
    let (other, _) = customer_with_card(&api.client, "pm_card_visa").await;
    let smaller = api.subscribe(&other, &price, "discounts[0][coupon]=FIVE").await;
    assert_eq!(totals(&api.invoice(&smaller["latest_invoice"]).await), (3_000, 500, 2_500, 2_500));
}

#[tokio::test]
async fn a_once_coupon_waits_through_a_free_trial_for_the_first_paid_invoice() {
    let api = Api::start().await;
    let (customer, price, _) = api.customer_and_price(2_000).await;
    api.ok("/v1/coupons", "id=HALF&percent_off=50&duration=once").await;
    let trial = api.subscribe(&customer, &price, "discounts[0][coupon]=HALF&trial_period_days=7").await;
    assert_eq!(totals(&api.invoice(&trial["latest_invoice"]).await), (0, 0, 0, 0));
    let sub_id = trial["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/subscriptions/{sub_id}")).await["discounts"].as_array().unwrap().len(), 1);
    api.sim.advance_clock(7 * DAY);
    let after_trial = api.get(&format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(totals(&api.invoice(&after_trial["latest_invoice"]).await), (2_000, 1_000, 1_000, 1_000));
    assert_eq!(after_trial["discounts"], serde_json::json!([]));
}

#[tokio::test]
async fn a_repeating_coupon_lasts_its_months_then_ends() {
    let api = Api::start().await;
    let (customer, price, _) = api.customer_and_price(2_000).await;
    api.ok("/v1/coupons", "id=TWOMONTHS&percent_off=20&duration=repeating&duration_in_months=2").await;
    let subscription = api.subscribe(&customer, &price, "discounts[0][coupon]=TWOMONTHS&expand[]=discounts").await;
    let discount = &subscription["discounts"][0];
    let (start, end) = (discount["start"].as_i64().unwrap(), discount["end"].as_i64().unwrap());
    let period_start = subscription["items"]["data"][0]["current_period_start"].as_i64().unwrap();
    assert_eq!(start, period_start);
    assert!((59 * DAY..=62 * DAY).contains(&(end - start)), "two months: {}", end - start);
    let sub_id = subscription["id"].as_str().unwrap();
    assert_eq!(totals(&api.invoice(&subscription["latest_invoice"]).await).2, 1_600);
    let second = api.renew(sub_id).await;
    assert_eq!(totals(&api.invoice(&second["latest_invoice"]).await).2, 1_600, "still within two months");
    assert_eq!(second["discounts"], serde_json::json!([discount["id"]]));
    let third = api.renew(sub_id).await;
    assert_eq!(totals(&api.invoice(&third["latest_invoice"]).await), (2_000, 0, 2_000, 2_000), "ended");
    assert_eq!(third["discounts"], serde_json::json!([]));
    assert_eq!(api.event_objects("customer.discount.deleted").await.len(), 1);
}

#[tokio::test]
async fn coupons_that_cannot_apply_are_refused() {
    let api = Api::start().await;
    let (customer, price, product) = api.customer_and_price(2_000).await;
    let subscribe = |discounts: &'static str| format!("customer={customer}&items[0][price]={price}&{discounts}");
    let error = api.refused(404, "/v1/subscriptions", &subscribe("discounts[0][coupon]=NOPE")).await;
    assert_eq!((error["code"].as_str(), error["param"].as_str()), (Some("resource_missing"), Some("discounts[0][coupon]")));
    assert_eq!(error["message"], "No such coupon: 'NOPE'");

    api.ok("/v1/coupons", "id=EUROS&amount_off=500&currency=eur&duration=forever").await;
    let error = api.refused(400, "/v1/subscriptions", &subscribe("discounts[0][coupon]=EUROS")).await;
    assert_eq!(error["param"], "discounts[0][coupon]");
    assert!(error["message"].as_str().unwrap().contains("eur"), "{error}");

    let other = api.ok("/v1/products", "name=Other").await["id"].as_str().unwrap().to_string();
    api.ok("/v1/coupons", &format!("id=OTHER&percent_off=10&applies_to[products][]={other}")).await;
    let error = api.refused(400, "/v1/subscriptions", &subscribe("discounts[0][coupon]=OTHER")).await;
    assert!(error["message"].as_str().unwrap().contains("products"), "{error}");

    let redeem_by = common_now(&api.sim).await + DAY;
    api.ok("/v1/coupons", &format!("id=SOON&percent_off=10&redeem_by={redeem_by}")).await;
    api.sim.advance_clock(2 * DAY);
    let error = api.refused(400, "/v1/subscriptions", &subscribe("discounts[0][coupon]=SOON")).await;
    assert_eq!((error["code"].as_str(), error["message"].as_str()), (Some("coupon_expired"), Some("Coupon expired: SOON")));
    assert_eq!(api.get("/v1/coupons/SOON").await["valid"], false);

    api.ok("/v1/coupons", &format!("id=SINGLE&percent_off=10&duration=forever&max_redemptions=1&applies_to[products][]={product}")).await;
    api.subscribe(&customer, &price, "discounts[0][coupon]=SINGLE").await;
    let error = api.refused(400, "/v1/subscriptions", &subscribe("discounts[0][coupon]=SINGLE")).await;
    assert_eq!(error["code"], "coupon_expired");
    let single = api.get("/v1/coupons/SINGLE").await;
    assert_eq!((single["times_redeemed"].as_i64(), single["valid"].as_bool()), (Some(1), Some(false)));

    let error = api.refused(400, "/v1/subscriptions", &subscribe("discounts[0][promotion_code]=promo_1")).await;
    assert_eq!(error["code"], "parameter_unknown");
    assert_eq!(list_subscriptions(&api).await, 1, "only the one that applied was made");
    assert_eq!(api.event_objects("customer.discount.created").await.len(), 1);
}

async fn list_subscriptions(api: &Api) -> usize {
    api.get("/v1/subscriptions?status=all").await["data"].as_array().unwrap().len()
}

#[tokio::test]
async fn updating_a_subscription_adds_and_removes_discounts_and_prorations_stay_whole() {
    let api = Api::start().await;
    let (customer, price, _) = api.customer_and_price(3_000).await;
    let subscription = api.subscribe(&customer, &price, "").await;
    let sub_id = subscription["id"].as_str().unwrap();
    assert_eq!(subscription["discounts"], serde_json::json!([]));
    api.ok("/v1/coupons", "id=TENTH&percent_off=10&duration=once").await;
    let path = format!("/v1/subscriptions/{sub_id}");
    let with = api.ok(&path, "discounts[0][coupon]=TENTH").await;
    let discount = with["discounts"][0].clone();
    assert!(discount.as_str().unwrap().starts_with("di_"));
    let again = api.ok(&path, "discounts[0][coupon]=TENTH").await;
    assert_eq!(again["discounts"], serde_json::json!([discount]), "the same coupon keeps its discount");
    assert_eq!(api.get("/v1/coupons/TENTH").await["times_redeemed"], 1);

    // A quantity change billed at once: only proration lines, which are not discountable,
    // so the `once` discount is still there for the renewal.
    api.sim.advance_clock(10 * DAY);
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap();
    let changed = api.ok(&path, &format!("items[0][id]={item}&items[0][quantity]=2&proration_behavior=always_invoice")).await;
    let prorations = api.invoice(&changed["latest_invoice"]).await;
    assert_eq!(prorations["billing_reason"], "subscription_update");
    assert_eq!(totals(&prorations).1, 0);
    assert!(prorations["lines"]["data"].as_array().unwrap().iter().all(|line| line["discountable"] == false && line["discount_amounts"] == serde_json::json!([])));
    assert_eq!(changed["discounts"], serde_json::json!([discount]));

    let removed = api.ok(&path, "discounts=").await;
    assert_eq!(removed["discounts"], serde_json::json!([]));
    assert_eq!(api.event_objects("customer.discount.deleted").await[0]["id"], discount);
    let renewed = api.renew(sub_id).await;
    assert_eq!(totals(&api.invoice(&renewed["latest_invoice"]).await), (6_000, 0, 6_000, 6_000));
    let error = api.refused(404, &path, "discounts[0][discount]=di_nope").await;
    assert_eq!(error["param"], "discounts[0][discount]");
}

#[tokio::test]
async fn invoice_discounts_combine_in_order_before_the_customer_balance() {
    let api = Api::start().await;
    let customer = api.ok("/v1/customers", "name=Acme").await["id"].as_str().unwrap().to_string();
    api.ok(&format!("/v1/customers/{customer}/balance_transactions"), "amount=-1000&currency=usd").await;
    api.ok("/v1/coupons", "id=TEN&percent_off=10&duration=forever").await;
    api.ok("/v1/coupons", "id=OFF7&amount_off=700&currency=usd").await;
    api.ok("/v1/coupons", "id=EUR5&amount_off=500&currency=eur").await;
    let draft = api.ok("/v1/invoices", &format!("customer={customer}&currency=usd&discounts[0][coupon]=TEN")).await;
    let id = draft["id"].as_str().unwrap().to_string();
    let discount = draft["discounts"][0].clone();
    let stored = api.get(&format!("/v1/invoices/{id}?expand[]=discounts")).await;
    assert_eq!((stored["discounts"][0]["invoice"].as_str(), stored["discounts"][0]["subscription"].clone()), (Some(id.as_str()), Value::Null));
    let body = "lines[0][amount]=3333&lines[0][description]=Booth&lines[1][amount]=1667&lines[1][description]=Badges&lines[2][amount]=-500&lines[2][description]=Goodwill";
    let with_lines = api.ok(&format!("/v1/invoices/{id}/add_lines"), body).await;
    // 10% of 50.00 (the credit line is not discounted) = 5.00: 3.33 and 1.67.
    assert_eq!(totals(&with_lines), (4_500, 500, 4_000, 4_000));
    assert_eq!(line_discounts(&with_lines), vec![333, 167, 0]);

    let error = api.refused(400, &format!("/v1/invoices/{id}"), &format!("discounts[0][discount]={}&discounts[1][coupon]=EUR5", discount.as_str().unwrap())).await;
    assert_eq!(error["param"], "discounts[1][coupon]");
    let both = api.ok(&format!("/v1/invoices/{id}"), &format!("discounts[0][discount]={}&discounts[1][coupon]=OFF7", discount.as_str().unwrap())).await;
    // The amount off comes after the percentage, on what it left: 45.00 − 7.00.
    assert_eq!(totals(&both), (4_500, 1_200, 3_300, 3_300));
    assert_eq!(line_discounts(&both), vec![333 + 467, 167 + 233, 0]);
    assert_eq!(both["total_discount_amounts"][1]["amount"], 700);
    let none = api.ok(&format!("/v1/invoices/{id}"), "discounts=").await;
    assert_eq!(totals(&none), (4_500, 0, 4_500, 4_500));
    assert_eq!(api.event_objects("customer.discount.deleted").await.len(), 2);

    let both = api.ok(&format!("/v1/invoices/{id}"), "discounts[0][coupon]=TEN&discounts[1][coupon]=OFF7").await;
    assert_eq!(totals(&both).2, 3_300);
    let open = api.ok(&format!("/v1/invoices/{id}/finalize"), "").await;
    // The customer's 10.00 credit comes off the discounted total.
    assert_eq!((open["total"].as_i64(), open["amount_due"].as_i64(), open["ending_balance"].as_i64()), (Some(3_300), Some(2_300), Some(0)));
    let error = api.refused(400, &format!("/v1/invoices/{id}"), "discounts=").await;
    assert_eq!(error["param"], "discounts", "draft only");
    api.delete("/v1/coupons/OFF7").await;
    let paid = api.ok(&format!("/v1/invoices/{id}/pay"), "paid_out_of_band=true").await;
    assert_eq!((paid["status"].as_str(), paid["total"].as_i64(), paid["amount_paid"].as_i64()), (Some("paid"), Some(3_300), Some(2_300)));
    let typed = stripe_billing::invoice::RetrieveInvoice::new(id.as_str()).send(&api.client).await.unwrap();
    assert_eq!((typed.status, typed.total), (Some(InvoiceStatus::Paid), 3_300));
}

#[tokio::test]
async fn a_coupon_for_some_products_lowers_only_their_lines() {
    let api = Api::start().await;
    let (customer, seats, seat_product) = api.customer_and_price(3_000).await;
    let support = monthly_price(&api.client, 1_000).await;
    api.ok("/v1/coupons", &format!("id=SEATS&amount_off=5000&currency=usd&duration=forever&applies_to[products][]={seat_product}")).await;
    let subscription = api.ok("/v1/subscriptions", &format!("customer={customer}&items[0][price]={seats}&items[1][price]={support}&discounts[0][coupon]=SEATS")).await;
    let invoice = api.invoice(&subscription["latest_invoice"]).await;
    assert_eq!(totals(&invoice), (4_000, 3_000, 1_000, 1_000), "only the seats line, capped at it");
    assert_eq!(line_discounts(&invoice), vec![3_000, 0]);
}

#[tokio::test]
async fn a_preview_shows_the_discount_the_renewal_then_bills() {
    let api = Api::start().await;
    let (customer, price, _) = api.customer_and_price(1_999).await;
    api.ok("/v1/coupons", "id=THIRD&percent_off=33.33&duration=forever").await;
    let subscription = api.subscribe(&customer, &price, "discounts[0][coupon]=THIRD").await;
    let sub_id = subscription["id"].as_str().unwrap();
    let preview = api.ok("/v1/invoices/create_preview", &format!("subscription={sub_id}")).await;
    // 33.33% of 19.99 = 6.662667 → 6.66.
    assert_eq!(totals(&preview), (1_999, 666, 1_333, 1_333));
    let renewed = api.renew(sub_id).await;
    let invoice = api.invoice(&renewed["latest_invoice"]).await;
    assert_eq!(totals(&invoice), totals(&preview));
    assert_eq!(invoice["total_discount_amounts"], preview["total_discount_amounts"]);
    assert_eq!(line_discounts(&invoice), line_discounts(&preview));
}
