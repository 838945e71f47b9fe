//! Disputes through async-stripe: `pm_card_createDispute` opens one, evidence is saved and
//! submitted, closing accepts the loss, and the control API decides reviewed ones.

mod common;

use std::collections::HashMap;

use stripe::StripeError;
use stripe_core::charge::RetrieveCharge;
use stripe_core::dispute::{CloseDispute, ListDispute, RetrieveDispute, UpdateDispute, UpdateDisputeEvidence};
use stripe_core::event::ListEvent;
use stripe_core::payment_intent::CreatePaymentIntent;
use stripe_core::refund::CreateRefund;
use stripe_shared::{Dispute, DisputeStatus, PaymentIntentStatus};
use stripe_types::Currency;

async fn disputed_payment(client: &stripe::Client) -> Dispute {
    let intent = CreatePaymentIntent::new(4_200, Currency::USD).payment_method("pm_card_createDispute").confirm(true).send(client).await.unwrap();
    assert_eq!(intent.status, PaymentIntentStatus::Succeeded, "the payment itself goes through");
    let charge = intent.latest_charge.unwrap().id().clone();
    let disputes = ListDispute::new().charge(charge.as_str()).send(client).await.unwrap();
    assert_eq!(disputes.data.len(), 1);
    disputes.data.into_iter().next().unwrap()
}

async fn event_types(client: &stripe::Client) -> Vec<String> {
    ListEvent::new().limit(100).send(client).await.unwrap().data.iter().map(|e| e.type_.to_string()).collect()
}

#[tokio::test]
async fn a_dispute_gets_evidence_is_submitted_and_won() {
    let (sim, client) = common::start().await;
    let dispute = disputed_payment(&client).await;
    assert_eq!(dispute.status, DisputeStatus::NeedsResponse);
    assert_eq!(dispute.reason, "fraudulent");
    assert_eq!(dispute.amount, 4_200);
    let due_in = dispute.evidence_details.due_by.unwrap() - dispute.created;
    assert_eq!(due_in, 7 * 86_400);
    let charge = RetrieveCharge::new(dispute.charge.id().as_str()).send(&client).await.unwrap();
    assert!(charge.disputed);
    let refund = CreateRefund::new().charge(charge.id.as_str()).send(&client).await.unwrap_err();
    match refund {
        StripeError::Stripe(api, 400) => assert_eq!(api.code.unwrap().as_str(), "charge_disputed"),
        other => panic!("unexpected {other:?}"),
    }

    let mut evidence = UpdateDisputeEvidence::new();
    evidence.customer_name = Some("Jane Doe".into());
    evidence.product_description = Some("Annual plan".into());
    let saved = UpdateDispute::new(dispute.id.clone())
        .evidence(evidence)
        .metadata(HashMap::from([("case".to_string(), "C-1".to_string())]))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(saved.status, DisputeStatus::NeedsResponse);
    assert_eq!(saved.evidence.customer_name.as_deref(), Some("Jane Doe"));
    assert!(saved.evidence_details.has_evidence);
    assert_eq!(saved.metadata["case"], "C-1");

    let submitted = UpdateDispute::new(dispute.id.clone()).submit(true).send(&client).await.unwrap();
    assert_eq!(submitted.status, DisputeStatus::UnderReview);
    assert_eq!(submitted.evidence_details.submission_count, 1);
    let mut late = UpdateDisputeEvidence::new();
    late.uncategorized_text = Some("more".into());
    assert!(UpdateDispute::new(dispute.id.clone()).evidence(late).send(&client).await.is_err(), "evidence is frozen under review");
    assert!(CloseDispute::new(dispute.id.clone()).send(&client).await.is_err(), "under review can't be accepted");

    let won = common::raw_json_post(&sim, &format!("/_sim/disputes/{}/resolve", dispute.id), r#"{"outcome":"won"}"#).await;
    assert_eq!(won["status"], "won");
    assert_eq!(RetrieveDispute::new(dispute.id.clone()).send(&client).await.unwrap().status, DisputeStatus::Won);
    let again = common::raw_json_post(&sim, &format!("/_sim/disputes/{}/resolve", dispute.id), r#"{"outcome":"lost"}"#).await;
    assert_eq!(again["error"]["type"], "invalid_request_error");

    let types = event_types(&client).await;
    for expected in ["charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.updated", "charge.dispute.closed", "charge.dispute.funds_reinstated"] {
        assert!(types.iter().any(|t| t == expected), "missing {expected} in {types:?}");
    }
}

#[tokio::test]
async fn closing_a_dispute_accepts_the_loss_for_good() {
    let (_sim, client) = common::start().await;
    let dispute = disputed_payment(&client).await;
    let closed = CloseDispute::new(dispute.id.clone()).send(&client).await.unwrap();
    assert_eq!(closed.status, DisputeStatus::Lost);
    let reopen = UpdateDispute::new(dispute.id.clone()).submit(true).send(&client).await.unwrap_err();
    assert!(matches!(reopen, StripeError::Stripe(_, 400)));
    assert!(CloseDispute::new(dispute.id.clone()).send(&client).await.is_err());
    let all = ListDispute::new().send(&client).await.unwrap();
    assert_eq!(all.data.len(), 1);
    let closed_event = ListEvent::new().type_("charge.dispute.closed").send(&client).await.unwrap();
    assert_eq!(closed_event.data.len(), 1);
}

#[tokio::test]
async fn a_dispute_left_unanswered_past_its_deadline_is_lost() {
    let (sim, client) = common::start().await;
    let dispute = disputed_payment(&client).await;
    assert!(!dispute.evidence_details.past_due);
    sim.advance_clock(6 * 86_400);
    assert_eq!(RetrieveDispute::new(dispute.id.clone()).send(&client).await.unwrap().status, DisputeStatus::NeedsResponse);
    sim.advance_clock(2 * 86_400);
    let late = RetrieveDispute::new(dispute.id.clone()).send(&client).await.unwrap();
    assert_eq!(late.status, DisputeStatus::Lost, "the deadline passed without a response");
    assert!(!late.evidence_details.past_due, "closed, so no longer awaiting anything");
    let closed = ListEvent::new().type_("charge.dispute.closed").send(&client).await.unwrap();
    assert_eq!(closed.data.len(), 1);
    assert_eq!(closed.data[0].created, dispute.evidence_details.due_by.unwrap(), "closed when the deadline passed");
    let mut evidence = UpdateDisputeEvidence::new();
    evidence.uncategorized_text = Some("too late".into());
    let err = UpdateDispute::new(dispute.id.clone()).evidence(evidence).send(&client).await.unwrap_err();
    assert!(matches!(err, StripeError::Stripe(_, 400)));
    let tagged = UpdateDispute::new(dispute.id.clone()).metadata(HashMap::from([("note".to_string(), "missed".to_string())])).send(&client).await.unwrap();
    assert_eq!(tagged.metadata["note"], "missed");
    assert!(CloseDispute::new(dispute.id.clone()).send(&client).await.is_err(), "a lost dispute cannot be accepted");
}

#[tokio::test]
async fn evidence_files_must_be_dispute_evidence_uploads_and_submitting_is_once() {
    let (sim, _) = common::start().await;
    let key = "sk_test_000000000000000000000000evidence";
    let client = common::client(&sim, key);
    let dispute = disputed_payment(&client).await;
    let (_, _, pdf) = common::upload(&sim, key, &[("purpose", "dispute_evidence")], Some(("receipt.pdf", common::SMALL_PDF)), "b", None).await;
    let (_, _, logo) = common::upload(&sim, key, &[("purpose", "business_logo")], Some(("logo.png", b"\x89PNG\r\n\x1a\n")), "b", None).await;
    let path = format!("/v1/disputes/{}", dispute.id);

    let (status, _, err) = common::raw_post(&sim, key, &path, "evidence[receipt]=file_missing", None).await;
    assert_eq!(status, 404);
    assert_eq!(err["error"]["param"], "evidence[receipt]");
    let (status, _, err) = common::raw_post(&sim, key, &path, &format!("evidence[receipt]={}", logo["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 400);
    assert!(err["error"]["message"].as_str().unwrap().contains("dispute_evidence"), "{err}");
    let long = "x".repeat(150_001);
    let (status, _, err) = common::raw_post(&sim, key, &path, &format!("evidence[uncategorized_text]={long}"), None).await;
    assert_eq!(status, 400);
    assert!(err["error"]["message"].as_str().unwrap().contains("150000"), "{err}");
    let fits = "x".repeat(75_000);
    let (status, _, _) = common::raw_post(&sim, key, &path, &format!("evidence[uncategorized_text]={fits}&evidence[product_description]={fits}"), None).await;
    assert_eq!(status, 200, "exactly 150,000 characters fit");

    let pdf_id = pdf["id"].as_str().unwrap();
    let (status, _, staged) = common::raw_post(&sim, key, &path, &format!("evidence[receipt]={pdf_id}&evidence[uncategorized_text]=Delivered&submit=false"), None).await;
    assert_eq!(status, 200, "{staged}");
    assert_eq!(staged["status"], "needs_response");
    assert_eq!(staged["evidence"]["receipt"], pdf_id);
    assert_eq!(staged["evidence_details"]["has_evidence"], true);
    assert_eq!(staged["evidence_details"]["submission_count"], 0);
    let (status, _, submitted) = common::raw_post(&sim, key, &path, "submit=true", None).await;
    assert_eq!(status, 200);
    assert_eq!(submitted["status"], "under_review");
    assert_eq!(submitted["evidence_details"]["submission_count"], 1);
    let (status, _, twice) = common::raw_post(&sim, key, &path, "submit=true", None).await;
    assert_eq!(status, 400, "a dispute is submitted once");
    assert!(twice["error"]["message"].as_str().unwrap().contains("under_review"), "{twice}");
}

#[tokio::test]
async fn an_inquiry_with_a_reason_closes_as_a_warning() {
    let (sim, client) = common::start().await;
    let intent = CreatePaymentIntent::new(1_500, Currency::USD).payment_method("pm_card_visa").confirm(true).send(&client).await.unwrap();
    let charge = intent.latest_charge.unwrap().id().clone();
    let bad = common::raw_json_post(&sim, &format!("/_sim/charges/{charge}/dispute"), r#"{"reason":"bored"}"#).await;
    assert_eq!(bad["error"]["param"], "reason");
    let inquiry = common::raw_json_post(&sim, &format!("/_sim/charges/{charge}/dispute"), r#"{"reason":"product_not_received","inquiry":true}"#).await;
    assert_eq!(inquiry["status"], "warning_needs_response");
    assert_eq!(inquiry["reason"], "product_not_received");
    let id = inquiry["id"].as_str().unwrap();
    let types = event_types(&client).await;
    assert!(types.iter().any(|t| t == "charge.dispute.created"));
    assert!(!types.iter().any(|t| t == "charge.dispute.funds_withdrawn"), "an inquiry withdraws nothing");
    let closed = common::raw_json_post(&sim, &format!("/_sim/disputes/{id}/resolve"), r#"{"outcome":"won"}"#).await;
    assert_eq!(closed["status"], "warning_closed");

    let other = CreatePaymentIntent::new(2_500, Currency::USD).payment_method("pm_card_visa").confirm(true).send(&client).await.unwrap();
    let duplicate = common::raw_json_post(&sim, &format!("/_sim/charges/{}/dispute", other.id), r#"{"reason":"duplicate"}"#).await;
    assert_eq!(duplicate["status"], "needs_response");
    assert_eq!(duplicate["reason"], "duplicate");
    let fetched = RetrieveDispute::new(duplicate["id"].as_str().unwrap()).send(&client).await.unwrap();
    assert_eq!(fetched.reason, "duplicate");
}
