//! Customer balance transactions through async-stripe: the ledger's endpoints and their
//! validation, the one-currency rule, finalization applying a credit (`applied_to_invoice`,
//! `starting_balance`/`ending_balance`, `customer.updated`), voiding returning it, and a
//! credit note on an invoice paid entirely from the balance.

mod common;

use stripe::StripeError;
use stripe_billing::credit_note::CreateCreditNote;
use stripe_billing::invoice::{AddLinesInvoice, AddLinesInvoiceLines, CreateInvoice, FinalizeInvoiceInvoice, VoidInvoiceInvoice};
use stripe_core::customer::{CreateCustomer, RetrieveCustomer, RetrieveCustomerReturned};
use stripe_core::customer_balance_transaction::{
    CreateCustomerCustomerBalanceTransaction, ListCustomerCustomerBalanceTransaction, RetrieveCustomerBalanceTransaction,
    UpdateCustomerBalanceTransaction,
};
use stripe_core::event::ListEvent;
use stripe_shared::{CreditNoteType, CustomerBalanceTransactionType, CustomerId, Invoice, InvoiceStatus};
use stripe_types::Currency;

async fn customer(client: &stripe::Client, name: &str) -> CustomerId {
    CreateCustomer::new().name(name).send(client).await.unwrap().id
}

async fn balance(client: &stripe::Client, customer: &CustomerId) -> i64 {
    match RetrieveCustomer::new(customer.clone()).send(client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer.balance.unwrap_or_default(),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
}

/// A draft USD invoice of one line of `amount`, finalized.
async fn finalized_invoice(client: &stripe::Client, customer: &CustomerId, amount: i64) -> Invoice {
    let draft = CreateInvoice::new().customer(customer.as_str()).currency(Currency::USD).send(client).await.unwrap();
    let id = draft.id.clone().unwrap();
    let mut line = AddLinesInvoiceLines::new();
    line.amount = Some(amount);
    line.description = Some("Workshop".into());
    AddLinesInvoice::new(id.clone(), vec![line]).send(client).await.unwrap();
    FinalizeInvoiceInvoice::new(id).send(client).await.unwrap()
}

/// An event's `previous_attributes` as JSON (null when absent).
fn previous(event: &stripe_shared::Event) -> serde_json::Value {
    event.data.previous_attributes.as_ref().map_or(serde_json::Value::Null, |p| serde_json::from_str(&miniserde::json::to_string(p)).unwrap())
}

/// The error code and param of a 4xx answer.
fn rejected(err: StripeError, status: u16) -> (Option<String>, Option<String>) {
    match err {
        StripeError::Stripe(api, got) if got == status => (api.code.map(|c| c.as_str().to_string()), api.param),
        other => panic!("expected a {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn balance_transactions_are_created_listed_newest_first_retrieved_and_updated() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    let credit = CreateCustomerCustomerBalanceTransaction::new(id.clone(), -5_000, Currency::USD)
        .description("Goodwill")
        .metadata([("ticket".to_string(), "T-1".to_string())].into_iter().collect::<std::collections::HashMap<_, _>>())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(credit.type_, CustomerBalanceTransactionType::Adjustment);
    assert_eq!(credit.amount, -5_000);
    assert_eq!(credit.ending_balance, -5_000);
    assert_eq!(credit.currency, Currency::USD);
    assert_eq!(credit.description.as_deref(), Some("Goodwill"));
    assert!(credit.invoice.is_none() && credit.credit_note.is_none());
    let debit = CreateCustomerCustomerBalanceTransaction::new(id.clone(), 1_200, Currency::USD).send(&client).await.unwrap();
    assert_eq!(debit.ending_balance, -3_800);
    let third = CreateCustomerCustomerBalanceTransaction::new(id.clone(), -200, Currency::USD).send(&client).await.unwrap();
    assert_eq!(balance(&client, &id).await, -4_000);

    let all = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap();
    let ids: Vec<_> = all.data.iter().map(|txn| txn.id.clone()).collect();
    assert_eq!(ids, vec![third.id.clone(), debit.id.clone(), credit.id.clone()], "newest first");
    assert_eq!(all.url, format!("/v1/customers/{id}/balance_transactions"));
    let first_page = ListCustomerCustomerBalanceTransaction::new(id.clone()).limit(2).send(&client).await.unwrap();
    assert!(first_page.has_more);
    let rest = ListCustomerCustomerBalanceTransaction::new(id.clone()).limit(2).starting_after(debit.id.as_str()).send(&client).await.unwrap();
    assert_eq!(rest.data.len(), 1);
    assert_eq!(rest.data[0].id, credit.id);
    assert!(!rest.has_more);
    let newer = ListCustomerCustomerBalanceTransaction::new(id.clone()).ending_before(credit.id.as_str()).send(&client).await.unwrap();
    assert_eq!(newer.data.len(), 2);

    let fetched = RetrieveCustomerBalanceTransaction::new(id.clone(), credit.id.as_str()).send(&client).await.unwrap();
    assert_eq!(fetched.id, credit.id);
    assert_eq!(fetched.metadata.as_ref().and_then(|m| m.get("ticket")).map(String::as_str), Some("T-1"));
    let updated = UpdateCustomerBalanceTransaction::new(id.clone(), credit.id.as_str()).description("Apology for the outage").send(&client).await.unwrap();
    assert_eq!(updated.description.as_deref(), Some("Apology for the outage"));
    assert_eq!(updated.amount, -5_000);
    assert_eq!(balance(&client, &id).await, -4_000, "an update never moves the balance");

    // Another customer's transaction is as unknown as a missing one.
    let other = customer(&client, "Grace").await;
    let foreign = RetrieveCustomerBalanceTransaction::new(other.clone(), credit.id.as_str()).send(&client).await.unwrap_err();
    assert_eq!(rejected(foreign, 404).0.as_deref(), Some("resource_missing"));
    let missing = RetrieveCustomerBalanceTransaction::new(id.clone(), "cbtxn_nope").send(&client).await.unwrap_err();
    assert_eq!(rejected(missing, 404).0.as_deref(), Some("resource_missing"));
    assert!(ListCustomerCustomerBalanceTransaction::new(other).send(&client).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn each_balance_transaction_emits_customer_updated_with_the_previous_balance() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    CreateCustomerCustomerBalanceTransaction::new(id.clone(), -700, Currency::EUR).send(&client).await.unwrap();
    let events = ListEvent::new().type_("customer.updated").send(&client).await.unwrap();
    assert_eq!(events.data.len(), 1);
    let previous = previous(&events.data[0]);
    assert_eq!(previous["balance"], 0);
    assert!(previous["currency"].is_null() && previous.get("currency").is_some(), "a first transaction sets the customer's currency");
}

#[tokio::test]
async fn a_balance_is_kept_in_one_currency() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    CreateCustomerCustomerBalanceTransaction::new(id.clone(), -1_000, Currency::EUR).send(&client).await.unwrap();
    let other = CreateCustomerCustomerBalanceTransaction::new(id.clone(), -1_000, Currency::USD).send(&client).await.unwrap_err();
    assert_eq!(rejected(other, 400).1.as_deref(), Some("currency"));
    match RetrieveCustomer::new(id.clone()).send(&client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => assert_eq!(customer.currency, Some(Currency::EUR)),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
}

#[tokio::test]
async fn balance_transaction_requests_are_validated_like_stripe() {
    let (sim, _) = common::start().await;
    // Raw requests need the account's key, so this test makes its own account.
    let key = "sk_test_balancevalidation000000000001";
    let client = common::client(&sim, key);
    let id = customer(&client, "Ada").await;
    let path = format!("/v1/customers/{id}/balance_transactions");
    let cases = [
        ("currency=usd", 400, "parameter_missing", "amount"),
        ("amount=-100", 400, "parameter_missing", "currency"),
        ("amount=ten&currency=usd", 400, "parameter_invalid_integer", "amount"),
        ("amount=0&currency=usd", 400, "parameter_invalid_integer", "amount"),
        ("amount=-100&currency=zzz", 400, "parameter_invalid_string", "currency"),
        ("amount=-100&currency=usd&type=credit_note", 400, "parameter_unknown", "type"),
        ("amount=-100&currency=usd&description[x]=y", 400, "parameter_invalid_string", "description"),
    ];
    for (body, status, code, param) in cases {
        let (got, _, answer) = common::raw_post(&sim, key, &path, body, None).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
        assert_eq!(answer["error"]["param"], param, "{body}: {answer}");
    }
    let (status, _, answer) = common::raw_post(&sim, key, "/v1/customers/cus_nope/balance_transactions", "amount=-1&currency=usd", None).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (404, Some("resource_missing")));

    let (_, _, created) = common::raw_post(&sim, key, &path, "amount=-100&currency=usd", None).await;
    let txn_path = format!("{path}/{}", created["id"].as_str().unwrap());
    let (status, _, answer) = common::raw_post(&sim, key, &txn_path, "amount=-5", None).await;
    assert_eq!((status, answer["error"]["code"].as_str(), answer["error"]["param"].as_str()), (400, Some("parameter_unknown"), Some("amount")));
    let (status, _, answer) = common::raw_post(&sim, key, &txn_path, "metadata[reason]=promo", None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["metadata"]["reason"], "promo");
    assert_eq!(answer["object"], "customer_balance_transaction");
    assert!(answer["checkout_session"].is_null() && answer["customer_account"].is_null());
}

#[tokio::test]
async fn finalizing_applies_a_credit_balance_and_voiding_returns_it() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    CreateCustomerCustomerBalanceTransaction::new(id.clone(), -3_000, Currency::USD).send(&client).await.unwrap();
    let invoice = finalized_invoice(&client, &id, 10_000).await;
    let invoice_id = invoice.id.clone().unwrap();
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    assert_eq!(invoice.starting_balance, -3_000);
    assert_eq!(invoice.ending_balance, Some(0));
    assert_eq!(invoice.amount_due, 7_000);
    assert_eq!(balance(&client, &id).await, 0);
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    assert_eq!(ledger[0].type_, CustomerBalanceTransactionType::AppliedToInvoice);
    assert_eq!(ledger[0].amount, 3_000);
    assert_eq!(ledger[0].ending_balance, 0);
    assert_eq!(ledger[0].invoice.as_ref().and_then(|i| i.id().as_ref().map(|id| id.to_string())), Some(invoice_id.to_string()));
    let updates = ListEvent::new().type_("customer.updated").send(&client).await.unwrap().data;
    assert_eq!(updates.len(), 2, "the adjustment and the invoice each emit customer.updated");
    assert_eq!(previous(&updates[0])["balance"], -3_000);

    VoidInvoiceInvoice::new(invoice_id.clone()).send(&client).await.unwrap();
    assert_eq!(balance(&client, &id).await, -3_000);
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    assert_eq!(ledger.len(), 3);
    assert_eq!(ledger[0].type_, CustomerBalanceTransactionType::UnappliedFromInvoice);
    assert_eq!(ledger[0].amount, -3_000);
    assert_eq!(ledger[0].ending_balance, -3_000);
    let by_invoice = ListCustomerCustomerBalanceTransaction::new(id.clone()).invoice(invoice_id.as_str()).send(&client).await.unwrap().data;
    assert_eq!(by_invoice.len(), 2);
    assert_eq!(ListEvent::new().type_("customer.updated").send(&client).await.unwrap().data.len(), 3);
}

#[tokio::test]
async fn an_invoice_without_balance_records_no_transaction() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    let invoice = finalized_invoice(&client, &id, 2_000).await;
    assert_eq!((invoice.starting_balance, invoice.ending_balance, invoice.amount_due), (0, Some(0), 2_000));
    assert!(ListCustomerCustomerBalanceTransaction::new(id).send(&client).await.unwrap().data.is_empty());
    assert!(ListEvent::new().type_("customer.updated").send(&client).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn an_invoice_paid_entirely_from_the_balance_can_still_be_credited() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ada").await;
    CreateCustomerCustomerBalanceTransaction::new(id.clone(), -25_000, Currency::USD).send(&client).await.unwrap();
    let invoice = finalized_invoice(&client, &id, 10_000).await;
    let invoice_id = invoice.id.clone().unwrap();
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!((invoice.starting_balance, invoice.ending_balance, invoice.amount_due, invoice.amount_paid), (-25_000, Some(-15_000), 0, 0));

    let too_much = CreateCreditNote::new(invoice_id.as_str()).amount(10_001).send(&client).await.unwrap_err();
    assert!(matches!(too_much, StripeError::Stripe(_, 400)));
    let note = CreateCreditNote::new(invoice_id.as_str()).amount(4_000).send(&client).await.unwrap();
    assert_eq!(note.type_, CreditNoteType::PostPayment);
    assert_eq!(balance(&client, &id).await, -19_000);
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    let kinds: Vec<_> = ledger.iter().map(|txn| (txn.type_.clone(), txn.amount, txn.ending_balance)).collect();
    assert_eq!(
        kinds,
        vec![
            (CustomerBalanceTransactionType::CreditNote, -4_000, -19_000),
            (CustomerBalanceTransactionType::AppliedToInvoice, 10_000, -15_000),
            (CustomerBalanceTransactionType::Adjustment, -25_000, -25_000),
        ]
    );
    assert_eq!(ledger[0].credit_note.as_ref().map(|n| n.id().to_string()), Some(note.id.to_string()));
    let rest = CreateCreditNote::new(invoice_id.as_str()).amount(6_000).send(&client).await.unwrap();
    assert_eq!(rest.total, 6_000);
    let over = CreateCreditNote::new(invoice_id.as_str()).amount(1).send(&client).await.unwrap_err();
    assert!(matches!(over, StripeError::Stripe(_, 400)), "no more than the invoice's total");
}

#[tokio::test]
async fn setting_a_customers_balance_records_it_on_the_ledger() {
    use stripe_core::customer::UpdateCustomer;
    let (_sim, client) = common::start().await;
    let id = CreateCustomer::new().name("Lin").balance(1_500).send(&client).await.unwrap().id;
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0].type_.clone(), ledger[0].amount, ledger[0].ending_balance), (CustomerBalanceTransactionType::Initial, 1_500, 1_500));

    UpdateCustomer::new(id.clone()).balance(-2_000).send(&client).await.unwrap();
    assert_eq!(balance(&client, &id).await, -2_000);
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    assert_eq!(ledger.len(), 2, "one adjustment for the change");
    assert_eq!((ledger[0].type_.clone(), ledger[0].amount, ledger[0].ending_balance), (CustomerBalanceTransactionType::Adjustment, -3_500, -2_000));

    // The same balance again changes nothing and records nothing.
    UpdateCustomer::new(id.clone()).balance(-2_000).name("Lin Wu").send(&client).await.unwrap();
    assert_eq!(ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data.len(), 2);
    let events = ListEvent::new().type_("customer.updated").send(&client).await.unwrap().data;
    assert!(events.iter().any(|event| previous(event)["balance"] == 1_500), "the adjustment emitted customer.updated");
}

#[tokio::test]
async fn a_credit_note_credit_amount_adds_a_credit_note_transaction() {
    use stripe_billing::invoice::PayInvoice;
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Noor").await;
    let invoice = finalized_invoice(&client, &id, 8_000).await;
    let invoice_id = invoice.id.clone().unwrap();
    PayInvoice::new(invoice_id.clone()).paid_out_of_band(true).send(&client).await.unwrap();
    let note = CreateCreditNote::new(invoice_id.as_str())
        .amount(5_000)
        .credit_amount(3_000)
        .out_of_band_amount(2_000)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(balance(&client, &id).await, -3_000);
    let ledger = ListCustomerCustomerBalanceTransaction::new(id.clone()).send(&client).await.unwrap().data;
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0].type_.clone(), ledger[0].amount, ledger[0].ending_balance), (CustomerBalanceTransactionType::CreditNote, -3_000, -3_000));
    assert_eq!(ledger[0].credit_note.as_ref().map(|cn| cn.id().to_string()), Some(note.id.to_string()));
    assert_eq!(note.customer_balance_transaction.map(|t| t.id().to_string()), Some(ledger[0].id.to_string()));
}

#[tokio::test]
async fn an_open_invoices_credit_note_settles_nothing() {
    let (_sim, client) = common::start().await;
    let id = customer(&client, "Ravi").await;
    let invoice = finalized_invoice(&client, &id, 8_000).await;
    let invoice_id = invoice.id.clone().unwrap();
    let credit = CreateCreditNote::new(invoice_id.as_str()).amount(1_000).credit_amount(1_000).send(&client).await.unwrap_err();
    assert_eq!(rejected(credit, 400).1.as_deref(), Some("credit_amount"));
    let negative = CreateCreditNote::new(invoice_id.as_str()).amount(1_000).out_of_band_amount(-1).send(&client).await.unwrap_err();
    assert_eq!(rejected(negative, 400).1.as_deref(), Some("out_of_band_amount"));
    assert_eq!(balance(&client, &id).await, 0);
    let line = invoice.lines.data[0].id.to_string();
    let mut none = stripe_billing::credit_note::CreateCreditNoteLines::new(stripe_billing::credit_note::CreateCreditNoteLinesType::InvoiceLineItem);
    none.invoice_line_item = Some(line);
    none.quantity = Some(0);
    let zero = CreateCreditNote::new(invoice_id.as_str()).lines(vec![none]).send(&client).await.unwrap_err();
    assert_eq!(rejected(zero, 400).1.as_deref(), Some("lines[0][quantity]"));
    let note = CreateCreditNote::new(invoice_id.as_str()).amount(1_000).send(&client).await.unwrap();
    assert_eq!(note.type_, CreditNoteType::PrePayment);
}
