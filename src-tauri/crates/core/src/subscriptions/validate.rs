//! Checks of subscription writes against Stripe's rules and the cache, made before anything is
//! recorded or sent. Each answers the input as the journal records it.

use rusqlite::{params, OptionalExtension};

use super::{
    NewSubscriptionInput, SubscriptionAction, SubscriptionActionKind, SubscriptionDetail, SubscriptionItemInput,
    TrialInput,
};
use crate::customers::check_customer_id;
use crate::error::{Error, Result};
use crate::invoices::{check_email, CollectionMethod, CustomerChoice};
use crate::store::Store;

/// Stripe's most items on one subscription.
pub const MAX_ITEMS: usize = 20;
/// Stripe's longest trial, in days.
pub const MAX_TRIAL_DAYS: u32 = 730;
/// Stripe's longest payment terms, in days.
const MAX_DAYS_UNTIL_DUE: u32 = 3650;
/// What `pause_collection[behavior]` takes.
pub const PAUSE_BEHAVIORS: &[&str] = &["keep_as_draft", "mark_uncollectible", "void"];
/// What `payment_behavior` takes on a new subscription.
pub const PAYMENT_BEHAVIORS: &[&str] = &["allow_incomplete", "default_incomplete", "error_if_incomplete"];

fn invalid(message: impl Into<String>) -> Error {
    Error::Validation(message.into())
}

/// Refuses anything but a Stripe subscription id: it goes into a request path.
pub(crate) fn check_subscription_id(subscription_id: &str) -> Result<()> {
    let plausible = subscription_id.starts_with("sub_")
        && subscription_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        Ok(())
    } else {
        Err(invalid(format!("'{subscription_id}' is not a Stripe subscription id.")))
    }
}

/// Why the subscription's state does not allow `kind`.
fn refusal(detail: &SubscriptionDetail, kind: SubscriptionActionKind) -> String {
    let status = detail.status.as_str();
    match kind {
        _ if matches!(status, "canceled" | "incomplete_expired") => {
            format!("This subscription has ended ({status}); nothing more can be done to it.")
        }
        SubscriptionActionKind::UndoCancel => "This subscription is not scheduled to cancel.".into(),
        SubscriptionActionKind::CancelAtPeriodEnd if detail.cancel_at_period_end => {
            "This subscription already cancels at the end of its period.".into()
        }
        SubscriptionActionKind::PauseCollection if detail.pause_collection.is_some() => {
            "Collection is already paused.".into()
        }
        SubscriptionActionKind::ResumeCollection if detail.pause_collection.is_none() => {
            "Collection is not paused.".into()
        }
        SubscriptionActionKind::RemoveDiscounts if detail.discounts.is_empty() => "This subscription has no discount.".into(),
        _ => format!("A subscription that is {status} can only be canceled now."),
    }
}

/// Checks `action` against the cached subscription: allowed in its state, a known pause
/// behavior, a resume time in the future.
pub(super) fn action(detail: &SubscriptionDetail, action: &SubscriptionAction, now: i64) -> Result<()> {
    if !detail.actions.contains(&action.kind()) {
        return Err(invalid(refusal(detail, action.kind())));
    }
    if let SubscriptionAction::PauseCollection { behavior, resumes_at } = action {
        if !PAUSE_BEHAVIORS.contains(&behavior.as_str()) {
            return Err(invalid(format!(
                "'{behavior}' is not a way to pause collection; choose one of {}.",
                PAUSE_BEHAVIORS.join(", ")
            )));
        }
        if resumes_at.is_some_and(|at| at <= now) {
            return Err(invalid("Collection can only be set to resume in the future."));
        }
    }
    Ok(())
}

/// A cached price as a new subscription needs it.
struct PriceFacts {
    currency: String,
    active: bool,
    recurring: bool,
    interval: (Option<String>, Option<i64>),
}

fn price_facts(store: &Store, account_id: &str, price_id: &str) -> Result<Option<PriceFacts>> {
    let conn = store.read_conn()?;
    Ok(conn
        .query_row(
            "SELECT coalesce(currency, ''), coalesce(active, 0), type = 'recurring',
                    json_extract(raw, '$.recurring.interval'), json_extract(raw, '$.recurring.interval_count')
             FROM cache_prices WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            params![account_id, price_id],
            |row| {
                Ok(PriceFacts {
                    currency: row.get(0)?,
                    active: row.get(1)?,
                    recurring: row.get::<_, Option<bool>>(2)?.unwrap_or(false),
                    interval: (row.get(3)?, row.get(4)?),
                })
            },
        )
        .optional()?)
}

/// The cached customer's currency: `None` if not cached, `Some(None)` if it has none yet.
fn customer_currency(store: &Store, account_id: &str, customer_id: &str) -> Result<Option<Option<String>>> {
    let conn = store.read_conn()?;
    Ok(conn
        .query_row(
            "SELECT currency FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            params![account_id, customer_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// The currency of a cached customer with exactly this email that has one.
fn email_currency(store: &Store, account_id: &str, email: &str) -> Result<Option<String>> {
    let conn = store.read_conn()?;
    Ok(conn
        .query_row(
            "SELECT currency FROM cache_customers
             WHERE account_id = ?1 AND email = ?2 AND deleted = 0 AND currency IS NOT NULL ORDER BY created LIMIT 1",
            params![account_id, email],
            |row| row.get(0),
        )
        .optional()?)
}

/// Checks the items: 1 to [`MAX_ITEMS`], each a quantity of at least 1 of a cached, active,
/// recurring price, all in one currency and on one interval. Answers the currency.
fn check_items(store: &Store, account_id: &str, items: &[SubscriptionItemInput]) -> Result<String> {
    if items.is_empty() {
        return Err(invalid("A subscription needs at least one price."));
    }
    if items.len() > MAX_ITEMS {
        return Err(invalid(format!("A subscription can have at most {MAX_ITEMS} prices.")));
    }
    let mut first: Option<PriceFacts> = None;
    for (index, item) in items.iter().enumerate() {
        let number = index + 1;
        if item.quantity == 0 {
            return Err(invalid(format!("Item {number} needs a quantity of at least 1.")));
        }
        if item.quantity > 1_000_000 {
            return Err(invalid(format!("Item {number} has too large a quantity.")));
        }
        if items[..index].iter().any(|other| other.price_id == item.price_id) {
            return Err(invalid(format!("Item {number} repeats price {}; raise the quantity instead.", item.price_id)));
        }
        let price_id = &item.price_id;
        let facts = price_facts(store, account_id, price_id)?.ok_or_else(|| {
            invalid(format!("Item {number}: there is no price {price_id} in this account (sync it first if it is new)."))
        })?;
        if !facts.active {
            return Err(invalid(format!("Item {number}: price {price_id} is archived.")));
        }
        if !facts.recurring {
            return Err(invalid(format!("Item {number}: price {price_id} is one-off; a subscription needs recurring prices.")));
        }
        if let Some(first) = &first {
            if first.currency != facts.currency {
                return Err(invalid(format!(
                    "Item {number} is in {} but the subscription is in {}; all prices must share one currency.",
                    facts.currency.to_uppercase(),
                    first.currency.to_uppercase()
                )));
            }
            if first.interval != facts.interval {
                return Err(invalid(format!("Item {number} bills on another interval than item 1; all must match.")));
            }
        } else {
            first = Some(facts);
        }
    }
    Ok(first.map(|facts| facts.currency).unwrap_or_default())
}

fn currency_clash(customer: &str, has: &str, wanted: &str) -> Error {
    invalid(format!(
        "{customer} is billed in {} and Stripe keeps a customer to one currency; these prices are in {}.",
        has.to_uppercase(),
        wanted.to_uppercase()
    ))
}

/// Checks a new subscription; answers it as the journal records it (email trimmed).
pub(super) fn new_subscription(
    store: &Store,
    account_id: &str,
    input: &NewSubscriptionInput,
    now: i64,
) -> Result<NewSubscriptionInput> {
    let currency = check_items(store, account_id, &input.items)?;
    let customer = match &input.customer {
        CustomerChoice::Existing { customer_id } => {
            check_customer_id(customer_id)?;
            match customer_currency(store, account_id, customer_id)? {
                None => {
                    return Err(invalid(format!(
                        "There is no customer {customer_id} in this account (sync it first if it is new)."
                    )))
                }
                Some(Some(has)) if has != currency => {
                    return Err(currency_clash(&format!("Customer {customer_id}"), &has, &currency))
                }
                Some(_) => CustomerChoice::Existing { customer_id: customer_id.clone() },
            }
        }
        CustomerChoice::ByEmail { email, name } => {
            let email = email.trim().to_string();
            check_email(&email)?;
            if let Some(has) = email_currency(store, account_id, &email)?.filter(|has| *has != currency) {
                return Err(currency_clash(&format!("The customer with email {email}"), &has, &currency));
            }
            CustomerChoice::ByEmail { email, name: name.trim().to_string() }
        }
    };
    match &input.trial {
        TrialInput::None => {}
        TrialInput::Days { days } if (1..=MAX_TRIAL_DAYS).contains(days) => {}
        TrialInput::Days { .. } => return Err(invalid(format!("A trial lasts 1 to {MAX_TRIAL_DAYS} days."))),
        TrialInput::Until { trial_end } if *trial_end <= now => {
            return Err(invalid("The trial must end in the future."))
        }
        TrialInput::Until { trial_end } if *trial_end > now + i64::from(MAX_TRIAL_DAYS) * 86_400 => {
            return Err(invalid(format!("A trial can end at most {MAX_TRIAL_DAYS} days from now.")))
        }
        TrialInput::Until { .. } => {}
    }
    match (input.collection_method, input.days_until_due) {
        (CollectionMethod::ChargeAutomatically, Some(_)) => {
            return Err(invalid("Days until due only apply when invoices are emailed to the customer."))
        }
        (CollectionMethod::SendInvoice, None) => {
            return Err(invalid("Emailed invoices need payment terms: the days until due."))
        }
        (CollectionMethod::SendInvoice, Some(days)) if days > MAX_DAYS_UNTIL_DUE => {
            return Err(invalid(format!("Payment terms can be at most {MAX_DAYS_UNTIL_DUE} days.")))
        }
        _ => {}
    }
    if !PAYMENT_BEHAVIORS.contains(&input.payment_behavior.as_str()) {
        return Err(invalid(format!(
            "'{}' is not a payment behavior; choose one of {}.",
            input.payment_behavior,
            PAYMENT_BEHAVIORS.join(", ")
        )));
    }
    if input.metadata.len() > 49 || input.metadata.contains_key("operation_id") {
        return Err(invalid("Metadata can have at most 49 keys, and 'operation_id' is Billfold's own."));
    }
    if input.metadata.iter().any(|(key, value)| key.is_empty() || key.chars().count() > 40 || value.chars().count() > 500)
    {
        return Err(invalid("Metadata keys need 1 to 40 characters and values at most 500."));
    }
    let coupon_id = match input.coupon_id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
        Some(coupon_id) => {
            let prices: Vec<&str> = input.items.iter().map(|item| item.price_id.as_str()).collect();
            Some(store.coupon_for(account_id, coupon_id, &currency, &prices)?.id)
        }
        None => None,
    };
    Ok(NewSubscriptionInput { customer, coupon_id, ..input.clone() })
}
