//! Customers, products, prices and events, driven through async-stripe: every answer must
//! deserialize into its types.

mod common;

use futures_util::TryStreamExt;
use stripe_core::customer::{CreateCustomer, DeleteCustomer, ListCustomer, RetrieveCustomer, RetrieveCustomerReturned, SearchCustomer, UpdateCustomer};
use stripe_core::event::ListEvent;
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, ListPrice};
use stripe_product::product::{CreateProduct, DeleteProduct};
use stripe_types::Currency;

#[tokio::test]
async fn customers_round_trip_with_events() {
    let (_sim, client) = common::start().await;
    let created = CreateCustomer::new()
        .email("ap@acme.example")
        .name("Acme GmbH")
        .metadata([("po".to_string(), "PO-1".to_string())])
        .send(&client)
        .await
        .unwrap();
    assert!(created.id.as_str().starts_with("cus_"));
    assert_eq!(created.email.as_deref(), Some("ap@acme.example"));

    let fetched = match RetrieveCustomer::new(created.id.clone()).send(&client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer,
        other => panic!("expected a customer, got {other:?}"),
    };
    assert_eq!(fetched.name.as_deref(), Some("Acme GmbH"));
    assert_eq!(fetched.metadata.unwrap()["po"], "PO-1");

    let updated = UpdateCustomer::new(created.id.clone()).name("Acme AG").send(&client).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Acme AG"));

    // Exact email match through the list endpoint (read-after-write safe).
    CreateCustomer::new().email("other@acme.example").send(&client).await.unwrap();
    let by_email = ListCustomer::new().email("ap@acme.example").send(&client).await.unwrap();
    assert_eq!(by_email.data.len(), 1);
    assert_eq!(by_email.data[0].id, created.id);

    let found = SearchCustomer::new("name:'Acme AG'").send(&client).await.unwrap();
    assert_eq!(found.data.len(), 1);

    let events = ListEvent::new().type_("customer.*").send(&client).await.unwrap();
    let types: Vec<String> = events.data.iter().map(|e| e.type_.to_string()).collect();
    // Newest first: the second customer, the rename, the first customer.
    assert_eq!(types, ["customer.created", "customer.updated", "customer.created"]);
    let rename = &events.data[1];
    let previous = rename.data.previous_attributes.as_ref().expect("previous_attributes on an update");
    let previous: serde_json::Value = serde_json::from_str(&miniserde::json::to_string(previous)).unwrap();
    assert_eq!(previous, serde_json::json!({ "name": "Acme GmbH" }));

    let deleted = DeleteCustomer::new(created.id.clone()).send(&client).await.unwrap();
    assert_eq!(deleted.id, created.id);
    let missing = RetrieveCustomer::new(created.id.clone()).send(&client).await.unwrap_err();
    match missing {
        stripe::StripeError::Stripe(err, 404) => {
            assert_eq!(err.message.as_deref(), Some(format!("No such customer: '{}'", created.id).as_str()));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[tokio::test]
async fn products_and_prices_one_off_and_recurring() {
    let (_sim, client) = common::start().await;
    let product = CreateProduct::new("Conference ticket").send(&client).await.unwrap();
    let one_off = CreatePrice::new(Currency::EUR).product(product.id.as_str()).unit_amount(45_000).send(&client).await.unwrap();
    assert_eq!(one_off.unit_amount, Some(45_000));
    let monthly = CreatePrice::new(Currency::USD)
        .product(product.id.as_str())
        .unit_amount(2_500)
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(monthly.recurring.unwrap().interval_count, 1);
    let prices: Vec<_> = ListPrice::new().product(product.id.as_str()).paginate().stream(&client).try_collect().await.unwrap();
    assert_eq!(prices.len(), 2);
    assert_eq!(prices[0].id, monthly.id, "newest first");
    let refused = DeleteProduct::new(product.id.clone()).send(&client).await.unwrap_err();
    assert!(matches!(refused, stripe::StripeError::Stripe(_, 400)), "{refused:?}");
}

#[tokio::test]
async fn pagination_walks_every_object_once_in_both_directions() {
    let (_sim, client) = common::start().await;
    let mut ids = Vec::new();
    for n in 0..25 {
        ids.push(CreateCustomer::new().email(format!("c{n}@x.example")).send(&client).await.unwrap().id);
    }
    let all: Vec<_> = ListCustomer::new().limit(7).paginate().stream(&client).try_collect().await.unwrap();
    let listed: Vec<_> = all.iter().map(|c| c.id.clone()).collect();
    ids.reverse();
    assert_eq!(listed, ids, "newest first, each once");
    let newer = ListCustomer::new().ending_before(ids[10].as_str()).limit(3).send(&client).await.unwrap();
    let newer_ids: Vec<_> = newer.data.iter().map(|c| c.id.clone()).collect();
    assert_eq!(newer_ids, ids[7..10].to_vec());
    assert!(newer.has_more);
}

#[tokio::test]
async fn accounts_are_isolated_per_key() {
    let (sim, client) = common::start().await;
    let other = common::client(&sim, "sk_test_999999999999999999999999otherkey");
    let mine = CreateCustomer::new().email("mine@x.example").send(&client).await.unwrap();
    let err = RetrieveCustomer::new(mine.id.clone()).send(&other).await.unwrap_err();
    assert!(matches!(err, stripe::StripeError::Stripe(_, 404)));
    assert!(ListCustomer::new().send(&other).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn customer_lists_expand_the_default_payment_method_on_every_page() {
    let (sim, _) = common::start().await;
    let key = "sk_test_999999999999999999999999expandpm";
    let client = common::client(&sim, key);
    let mut with_card = Vec::new();
    for n in 0..5 {
        let body = if n % 2 == 0 {
            format!("email=c{n}%40x.example&payment_method=pm_card_visa&invoice_settings[default_payment_method]=pm_card_visa")
        } else {
            format!("email=c{n}%40x.example")
        };
        let (status, _, customer) = common::raw_post(&sim, key, "/v1/customers", &body, None).await;
        assert_eq!(status, 200, "{customer}");
        if n % 2 == 0 {
            let default = customer["invoice_settings"]["default_payment_method"].as_str().unwrap().to_string();
            assert!(default.starts_with("pm_"), "the attached card is the default");
            with_card.push((customer["id"].as_str().unwrap().to_string(), default));
        }
    }
    // Pages of two: the second and third pages start after a cursor.
    let listed: Vec<_> = ListCustomer::new()
        .limit(2)
        .expand(["data.invoice_settings.default_payment_method".to_string()])
        .paginate()
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 5);
    for customer in &listed {
        let default = customer.invoice_settings.as_ref().and_then(|s| s.default_payment_method.as_ref());
        match with_card.iter().find(|(id, _)| *id == customer.id.as_str()) {
            Some((_, pm)) => match default {
                Some(stripe_types::Expandable::Object(method)) => {
                    assert_eq!(method.id.as_str(), pm);
                    assert_eq!(method.customer.as_ref().map(|c| c.id().as_str().to_string()), Some(customer.id.to_string()));
                }
                other => panic!("expected an expanded payment method, got {other:?}"),
            },
            None => assert!(default.is_none()),
        }
    }
    // Unexpanded, the same field is the id.
    let plain = ListCustomer::new().limit(100).send(&client).await.unwrap();
    assert!(plain.data.iter().any(|c| matches!(
        c.invoice_settings.as_ref().and_then(|s| s.default_payment_method.as_ref()),
        Some(stripe_types::Expandable::Id(_))
    )));
}

#[tokio::test]
async fn an_update_sets_and_clears_the_invoice_footer_and_locales() {
    let (sim, _client) = common::start().await;
    let key = "sk_test_000000000000000000000000footer";
    let (status, _, customer) = common::raw_post(&sim, key, "/v1/customers", "name=Ada&invoice_settings[footer]=Thanks&preferred_locales[0]=fr-FR", None).await;
    assert_eq!(status, 200, "{customer}");
    assert_eq!(customer["invoice_settings"]["footer"], "Thanks");
    assert_eq!(customer["preferred_locales"], serde_json::json!(["fr-FR"]));
    let id = customer["id"].as_str().unwrap();
    let (status, _, updated) = common::raw_post(&sim, key, &format!("/v1/customers/{id}"), "invoice_settings[footer]=&preferred_locales=", None).await;
    assert_eq!(status, 200, "{updated}");
    assert!(updated["invoice_settings"]["footer"].is_null());
    assert_eq!(updated["preferred_locales"], serde_json::json!([]));
}
