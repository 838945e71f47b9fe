//! The demo seed: both conferences get customers, invoices in every state, subscriptions in
//! every status, six months of members, refunds and a dispute, all readable through async-stripe.

mod common;

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use stripe_billing::invoice::ListInvoice;
use stripe_billing::subscription::{ListSubscription, ListSubscriptionStatus};
use stripe_core::customer::ListCustomer;
use stripe_core::dispute::ListDispute;
use stripe_core::refund::ListRefund;
use stripe_sim::demo::DEMO_ACCOUNTS;
use stripe_sim::{SimConfig, Simulator};

#[tokio::test]
async fn both_demo_conferences_have_every_state_to_explore() {
    // The default rate limit stays on: the seed must cope with it like any client.
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    sim.seed_demo().await.unwrap();
    for account in DEMO_ACCOUNTS {
        // The seed used up the key's burst: read back like a real client, backing off on 429.
        let client = stripe::ClientBuilder::new(account.key)
            .url(sim.base_url())
            .request_strategy(stripe::RequestStrategy::ExponentialBackoff(8))
            .build()
            .unwrap();
        let customers: Vec<_> = ListCustomer::new().paginate().stream(&client).try_collect().await.unwrap();
        assert!(customers.len() >= 8, "{}: {} customers", account.name, customers.len());

        let invoices: Vec<_> = ListInvoice::new().limit(100).paginate().stream(&client).try_collect().await.unwrap();
        let states: BTreeSet<String> = invoices.iter().filter_map(|i| i.status.as_ref()).map(|s| s.as_str().to_string()).collect();
        for state in ["draft", "open", "paid", "void", "uncollectible"] {
            assert!(states.contains(state), "{}: no {state} invoice in {states:?}", account.name);
        }
        let now = sim_now(&sim).await;
        assert!(
            invoices.iter().any(|i| i.status.as_ref().is_some_and(|s| s.as_str() == "open") && i.due_date.is_some_and(|d| d < now)),
            "{}: no overdue invoice",
            account.name
        );
        assert!(invoices.iter().any(|i| i.amount_paid > 0 && i.amount_remaining > 0), "{}: no partly paid invoice", account.name);
        // Purchase-order invoices carry what Billfold rebuilds a PO from: its id, number and
        // the account's slug, and the number printed as a custom field.
        let po_invoices: Vec<_> = invoices.iter().filter(|i| i.metadata.as_ref().is_some_and(|m| m.contains_key("po_number"))).collect();
        assert!(po_invoices.len() >= 8, "{}: {} PO invoices", account.name, po_invoices.len());
        for invoice in &po_invoices {
            let metadata = invoice.metadata.as_ref().unwrap();
            assert_eq!(metadata.get("account_slug").map(String::as_str), Some(account.slug));
            assert_eq!(metadata.get("po_id"), Some(&stripe_sim::demo::po_id(account, &metadata["po_number"])));
            let fields = invoice.custom_fields.as_ref().unwrap();
            assert!(fields.iter().any(|f| f.name == "PO number" && f.value == metadata["po_number"]));
        }

        let subscriptions: Vec<_> = ListSubscription::new()
            .status(ListSubscriptionStatus::All)
            .paginate()
            .stream(&client)
            .try_collect()
            .await
            .unwrap();
        let statuses: BTreeSet<String> = subscriptions.iter().map(|s| s.status.as_str().to_string()).collect();
        for status in ["trialing", "active", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "paused"] {
            assert!(statuses.contains(status), "{}: no {status} subscription in {statuses:?}", account.name);
        }

        // Members over six months: started on different months, changed seats, left, came back.
        let member = |name: &str| -> Vec<&stripe_shared::Subscription> {
            let customer = customers.iter().find(|c| c.name.as_deref() == Some(name)).unwrap_or_else(|| panic!("{name} in {}", account.name));
            let mut theirs: Vec<_> = subscriptions.iter().filter(|s| *s.customer.id() == customer.id).collect();
            theirs.sort_by_key(|s| s.created);
            theirs
        };
        let starts: BTreeSet<i64> = ["Ada Lovelace", "Linus Lab", "Alan Turing"].iter().map(|name| member(name)[0].start_date / (28 * 86_400)).collect();
        assert_eq!(starts.len(), 3, "{}: members joined in different months", account.name);
        let grace = member("Grace Hopper");
        assert_eq!(grace.len(), 2, "{}: Grace left and came back", account.name);
        assert_eq!((grace[0].status.as_str(), grace[1].status.as_str()), ("canceled", "active"));
        let linus = member("Linus Lab");
        assert_eq!(linus[0].items.data[0].quantity, Some(2), "{}: five seats, then two", account.name);
        let ada = member("Ada Lovelace");
        // Asked a month ago to leave at her period's end, which has passed.
        assert_eq!(ada[0].status.as_str(), "canceled", "{}: Ada left at her period's end", account.name);
        let sponsor = member("Nordwind Verlag");
        assert_eq!(sponsor[0].items.data[0].price.recurring.as_ref().map(|r| r.interval.as_str()), Some("year"));
        let renewals = ListInvoice::new().subscription(ada[0].id.as_str()).limit(100).send(&client).await.unwrap();
        // Five months paid: the sixth period would have started after she asked to leave.
        assert_eq!(renewals.data.len(), 5, "{}: Ada paid {} monthly invoices", account.name, renewals.data.len());
        assert!(renewals.data.iter().all(|invoice| invoice.status == Some(stripe_shared::InvoiceStatus::Paid)));

        let refunds = ListRefund::new().send(&client).await.unwrap();
        assert!(refunds.data.len() >= 2, "{}: refunds {:?}", account.name, refunds.data.len());
        let disputes = ListDispute::new().send(&client).await.unwrap();
        assert_eq!(disputes.data.len(), 1, "{}: one dispute", account.name);
    }
}

async fn sim_now(sim: &Simulator) -> i64 {
    let clock = common::raw_json_get(sim, "/_sim/clock").await;
    clock["now"].as_i64().expect("the clock answers its time")
}
