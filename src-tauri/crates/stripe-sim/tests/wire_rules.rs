//! Stripe's wire rules: unknown and missing parameters, idempotent replays, request ids.

mod common;

const KEY: &str = "sk_test_000000000000000000000000wirerules";

#[tokio::test]
async fn unknown_and_missing_parameters_are_refused_like_stripe() {
    let (sim, _client) = common::start().await;
    let (status, _, body) = common::raw_post(&sim, KEY, "/v1/customers", "emial=x%40y.z", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "parameter_unknown");
    assert_eq!(body["error"]["message"], "Received unknown parameter: emial");
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let (status, _, body) = common::raw_post(&sim, KEY, "/v1/products", "description=x", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "parameter_missing");
    assert_eq!(body["error"]["param"], "name");
}

#[tokio::test]
async fn idempotent_requests_replay_and_refuse_other_parameters() {
    let (sim, _client) = common::start().await;
    let (s1, h1, first) = common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", Some("op-1:customer")).await;
    let (s2, h2, second) = common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", Some("op-1:customer")).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first["id"], second["id"], "one customer, replayed");
    let header = |h: &Vec<(String, String)>, name: &str| h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(header(&h2, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(header(&h1, "request-id"), header(&h2, "request-id"), "the replay carries the first request id");
    assert!(header(&h1, "idempotent-replayed").is_none());

    let (status, _, body) = common::raw_post(&sim, KEY, "/v1/customers", "email=other%40b.c", Some("op-1:customer")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "idempotency_error");

    // A parameter error is not stored: the corrected retry with the same key runs.
    let (status, _, _) = common::raw_post(&sim, KEY, "/v1/products", "nme=Ticket", Some("op-2:product")).await;
    assert_eq!(status, 400);
    let (status, _, product) = common::raw_post(&sim, KEY, "/v1/products", "name=Ticket", Some("op-2:product")).await;
    assert_eq!(status, 200);
    assert_eq!(product["name"], "Ticket");
}

#[tokio::test]
async fn events_older_than_the_retention_window_are_no_longer_listed() {
    use stripe_core::customer::CreateCustomer;
    use stripe_core::event::ListEvent;
    let config = stripe_sim::SimConfig { rate_limit_per_sec: None, event_retention_secs: 3_600, ..stripe_sim::SimConfig::default() };
    let sim = stripe_sim::Simulator::start(config).await.unwrap();
    let client = common::client(&sim, KEY);
    CreateCustomer::new().email("old@x.example").send(&client).await.unwrap();
    assert_eq!(ListEvent::new().send(&client).await.unwrap().data.len(), 1);
    sim.advance_clock(2 * 3_600);
    CreateCustomer::new().email("new@x.example").send(&client).await.unwrap();
    let events = ListEvent::new().send(&client).await.unwrap();
    assert_eq!(events.data.len(), 1, "only the event inside the window is listed");
}
