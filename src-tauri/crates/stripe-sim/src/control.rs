//! The `/_sim` control API: test and demo controls that real Stripe does not have.
//! Loopback only, no auth.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{json, Value};
use axum::{Json, Router};

use crate::errors::ApiError;
use crate::resources::ledger::Fee;
use crate::resources::subscriptions::retries::RetrySchedule;
use crate::simulate;
use crate::state::{lock, Faults, SimState};

/// Routes under `/_sim`.
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/_sim/health", get(|| async { "ok" }))
        .route("/_sim/faults", get(get_faults).post(set_faults))
        .route("/_sim/clock", get(get_clock))
        .route("/_sim/invoices/{id}/customer_payment", post(customer_payment))
        .route("/_sim/clock/advance", post(advance_clock))
        .route("/_sim/clock/start", post(start_clock))
        .route("/_sim/disputes/{id}/resolve", post(resolve_dispute))
        .route("/_sim/subscriptions/{id}/fail_renewal", post(fail_renewal))
        .route("/_sim/customers/{id}/update_card", post(update_card))
        .route("/_sim/accounts/{key}/retry_schedule", get(get_retry_schedule).post(set_retry_schedule))
        .route("/_sim/accounts/{key}/fees", get(get_fees).post(set_fees))
        .route("/_sim/charges/{id}/dispute", post(open_dispute))
        .route("/_sim/refunds/{id}/settle", post(settle_refund))
        .route("/_sim/generate", post(generate))
        .with_state(state)
}

async fn get_faults(State(state): State<Arc<SimState>>) -> Json<Faults> {
    Json(state.faults())
}

/// Replaces the fault settings with the JSON body (missing fields are off).
async fn set_faults(State(state): State<Arc<SimState>>, Json(faults): Json<Faults>) -> Json<Faults> {
    state.set_faults(faults);
    Json(state.faults())
}

async fn get_clock(State(state): State<Arc<SimState>>) -> Json<Value> {
    Json(json!({ "now": state.now() }))
}

/// How far to move the simulated clock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

/// Moves the simulated clock forward by `{"seconds": N}`, runs what fell due meanwhile in
/// every account (trial ends, renewals, payment retries, expiries; see `crate::clock`) and
/// answers the new time.
async fn advance_clock(State(state): State<Arc<SimState>>, Json(advance): Json<Advance>) -> Json<Value> {
    state.advance_clock(advance.seconds);
    Json(json!({ "now": state.now() }))
}

/// `{"seconds_ago": N}`: where an empty emulator's clock starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockStart {
    seconds_ago: i64,
}

/// Starts the clock of an emulator that holds nothing yet `seconds_ago` in the past (so
/// seeded history can end at the real present); refused once any account holds data.
async fn start_clock(State(state): State<Arc<SimState>>, Json(start): Json<ClockStart>) -> Response {
    if !state.start_clock_in_past(start.seconds_ago) {
        return crate::errors::ApiError::invalid_request(
            None,
            "The clock can only be started in the past while the emulator is empty, and seconds_ago must not be negative.",
            Some("seconds_ago"),
        )
        .into_response();
    }
    Json(json!({ "now": state.now() })).into_response()
}

/// What the customer pays: all that remains when `amount` is absent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerPayment {
    amount: Option<i64>,
    #[serde(default = "card")]
    method: String,
}

fn card() -> String {
    "card".into()
}

/// The customer pays an invoice by `card` or `bank_transfer`, fully or partly.
async fn customer_payment(
    State(state): State<Arc<SimState>>,
    Path(id): Path<String>,
    Json(payment): Json<CustomerPayment>,
) -> Response {
    answer(simulate::customer_payment(&state, &id, payment.amount, &payment.method))
}

/// The subscription's card starts declining and it renews now (see [`simulate::fail_renewal`]).
async fn fail_renewal(State(state): State<Arc<SimState>>, Path(id): Path<String>) -> Response {
    answer(simulate::fail_renewal(&state, &id))
}

/// The customer puts a working card on file (see [`simulate::update_card`]).
async fn update_card(State(state): State<Arc<SimState>>, Path(id): Path<String>) -> Response {
    answer(simulate::update_card(&state, &id))
}

/// The retry schedule of the account of secret key `key`.
async fn get_retry_schedule(State(state): State<Arc<SimState>>, Path(key): Path<String>) -> Response {
    answer(retry_schedule(&state, &key).map(|schedule| json!(schedule)))
}

/// Replaces the retry schedule of the account of `key` with the JSON body
/// (`{"days": [3, 5, 7], "after_last_failure": "past_due" | "unpaid" | "canceled"}`; a
/// missing field takes its default) and answers it.
async fn set_retry_schedule(State(state): State<Arc<SimState>>, Path(key): Path<String>, Json(schedule): Json<RetrySchedule>) -> Response {
    answer(set_schedule(&state, &key, schedule).map(|schedule| json!(schedule)))
}

/// The retry schedule of the account of `key` (opened if new, as the API would).
pub(crate) fn retry_schedule(state: &SimState, key: &str) -> Result<RetrySchedule, ApiError> {
    let key = crate::generate::authenticate(key)?;
    let account = state.account(&key.key, key.livemode);
    let schedule = lock(&account.data).retry_schedule.clone();
    Ok(schedule)
}

/// Checks and sets the retry schedule of the account of `key`; invoices already waiting keep
/// their next attempt, later ones follow the new schedule.
pub(crate) fn set_schedule(state: &SimState, key: &str, schedule: RetrySchedule) -> Result<RetrySchedule, ApiError> {
    schedule.check()?;
    let key = crate::generate::authenticate(key)?;
    let account = state.account(&key.key, key.livemode);
    lock(&account.data).retry_schedule = schedule.clone();
    Ok(schedule)
}

/// The fee table of the account of `key`: the currencies set so far (any other pays
/// Stripe's standard 2.9 % + 30).
async fn get_fees(State(state): State<Arc<SimState>>, Path(key): Path<String>) -> Response {
    answer(account_of(&state, &key).map(|account| json!(lock(&account.data).ledger.fees)))
}

/// Sets the fees of the currencies in the JSON body (`{"eur": {"percent_bps": 150,
/// "fixed": 25, "dispute": 1500}}`; others keep theirs) for charges from now on, and
/// answers the whole table.
async fn set_fees(State(state): State<Arc<SimState>>, Path(key): Path<String>, Json(fees): Json<BTreeMap<String, Fee>>) -> Response {
    answer(set_fee_table(&state, &key, fees))
}

fn set_fee_table(state: &SimState, key: &str, fees: BTreeMap<String, Fee>) -> Result<Value, ApiError> {
    for (currency, fee) in &fees {
        if crate::money::exponent(currency).is_none() {
            return Err(ApiError::invalid_param("currency", format!("Unknown currency: {currency} (use lowercase ISO codes).")));
        }
        if !(0..10_000).contains(&fee.percent_bps) || fee.fixed < 0 || fee.dispute < 0 {
            return Err(ApiError::invalid_param(currency, "percent_bps must be 0 to 9999 and fixed and dispute not negative."));
        }
    }
    let account = account_of(state, key)?;
    let mut data = lock(&account.data);
    data.ledger.fees.extend(fees);
    Ok(json!(data.ledger.fees))
}

/// The account of secret key `key`, opened if new as the API would.
fn account_of(state: &SimState, key: &str) -> Result<Arc<crate::state::Account>, ApiError> {
    let key = crate::generate::authenticate(key)?;
    Ok(state.account(&key.key, key.livemode))
}

/// How the cardholder disputes: Stripe's `reason` (default `fraudulent`) and whether it is
/// an inquiry rather than a chargeback.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenDispute {
    #[serde(default = "fraudulent")]
    reason: String,
    #[serde(default)]
    inquiry: bool,
}

fn fraudulent() -> String {
    "fraudulent".into()
}

/// The cardholder disputes a charge or a payment intent's charge (see
/// [`simulate::open_dispute`]); the JSON body (`{"reason": …, "inquiry": true}`) is optional.
async fn open_dispute(State(state): State<Arc<SimState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let how = if body.iter().all(u8::is_ascii_whitespace) {
        OpenDispute { reason: fraudulent(), inquiry: false }
    } else {
        match serde_json::from_slice::<OpenDispute>(&body) {
            Ok(how) => how,
            Err(err) => return ApiError::invalid_request(None, format!("Invalid JSON body: {err}"), None).into_response(),
        }
    };
    answer(simulate::open_dispute(&state, &id, &how.reason, how.inquiry))
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(object) => Json(object).into_response(),
        Err(err) => err.into_response(),
    }
}

/// The bank's decision on a dispute.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resolution {
    outcome: String,
}

/// Closes a dispute as `won` or `lost`, as the card network would after review.
async fn resolve_dispute(State(state): State<Arc<SimState>>, Path(id): Path<String>, Json(resolution): Json<Resolution>) -> Response {
    answer(simulate::resolve_dispute(&state, &id, &resolution.outcome))
}

/// The bank's answer on a refund under way: `succeeded` or `failed`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settlement {
    outcome: String,
}

/// Settles a `requires_action` or `pending` refund (see [`simulate::settle_refund`]).
async fn settle_refund(State(state): State<Arc<SimState>>, Path(id): Path<String>, Json(settlement): Json<Settlement>) -> Response {
    answer(simulate::settle_refund(&state, &id, &settlement.outcome))
}

/// What to generate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    key: String,
    #[serde(default)]
    customers: usize,
    #[serde(default)]
    invoices: usize,
    #[serde(default)]
    subscriptions: usize,
    #[serde(default)]
    payments: usize,
    #[serde(default)]
    seed: u64,
}

/// Fills a key's account with bulk data and answers what was made. With subscriptions or
/// payments asked for too, the invoices come last (see [`crate::generate::generate_invoices`]).
async fn generate(State(state): State<Arc<SimState>>, Json(request): Json<Generate>) -> Response {
    let invoices_last = request.subscriptions > 0 || request.payments > 0;
    let first = if invoices_last { 0 } else { request.invoices };
    let made = match crate::generate::generate(&state, &request.key, request.customers, first, request.seed).await {
        Ok(made) => made,
        Err(err) => return err.into_response(),
    };
    let subscriptions = match crate::generate::generate_subscriptions(&state, &request.key, request.subscriptions, request.seed).await {
        Ok(subscriptions) => subscriptions,
        Err(err) => return err.into_response(),
    };
    let payments = match crate::generate::generate_payments(&state, &request.key, request.payments, request.seed).await {
        Ok(payments) => payments,
        Err(err) => return err.into_response(),
    };
    let invoices = if invoices_last {
        match crate::generate::generate_invoices(&state, &request.key, request.invoices, request.seed).await {
            Ok(invoices) => invoices,
            Err(err) => return err.into_response(),
        }
    } else {
        crate::generate::Generated { invoices: made.invoices, invoices_by_status: made.invoices_by_status.clone(), ..Default::default() }
    };
    Json(crate::generate::Generated {
        invoices: invoices.invoices,
        invoices_by_status: invoices.invoices_by_status,
        subscriptions: subscriptions.subscriptions,
        subscriptions_by_status: subscriptions.subscriptions_by_status,
        payments: payments.payments,
        refunds: payments.refunds,
        ..made
    })
    .into_response()
}
