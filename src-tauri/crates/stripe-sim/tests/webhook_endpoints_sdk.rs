//! Webhook endpoints through async-stripe: every answer must deserialize into its types, and
//! the signing secret appears only when the endpoint is created.

mod common;

use stripe_misc::webhook_endpoint::{
    CreateWebhookEndpoint, CreateWebhookEndpointEnabledEvents, DeleteWebhookEndpoint, ListWebhookEndpoint,
    RetrieveWebhookEndpoint, UpdateWebhookEndpoint,
};

#[tokio::test]
async fn webhook_endpoints_round_trip_through_async_stripe() {
    let (_sim, client) = common::start().await;
    let created = CreateWebhookEndpoint::new(
        vec![CreateWebhookEndpointEnabledEvents::InvoicePaid, CreateWebhookEndpointEnabledEvents::InvoiceFinalized],
        "http://127.0.0.1:9/webhooks/rustconf",
    )
    .description("Billfold listener")
    .send(&client)
    .await
    .unwrap();
    assert!(created.secret.as_deref().is_some_and(|s| s.starts_with("whsec_")), "the secret comes with the create answer");
    assert_eq!(created.enabled_events, ["invoice.paid", "invoice.finalized"]);

    let fetched = RetrieveWebhookEndpoint::new(created.id.clone()).send(&client).await.unwrap();
    assert_eq!(fetched.secret, None, "and never again");
    assert_eq!(fetched.description.as_deref(), Some("Billfold listener"));

    let disabled = UpdateWebhookEndpoint::new(created.id.clone()).disabled(true).send(&client).await.unwrap();
    assert_eq!(disabled.status, "disabled");

    let listed = ListWebhookEndpoint::new().send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    DeleteWebhookEndpoint::new(created.id.clone()).send(&client).await.unwrap();
    assert!(ListWebhookEndpoint::new().send(&client).await.unwrap().data.is_empty());
}
