//! Checks of subscription writes against Stripe's rules and the cache, made before anything is
//! recorded or sent. Each answers the input as the journal records it.

use rusqlite::{params, OptionalExtension};

use super::{
    ItemChange, NewSubscriptionInput, SubscriptionAction, SubscriptionActionKind, SubscriptionChangeInput,
    SubscriptionDetail, SubscriptionItemInput, TrialInput,
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

/// Stripe's largest quantity Billfold sends.
const MAX_QUANTITY: i64 = 1_000_000;

/// What one item bills after a change: its price (none if unknown) and interval.
struct Resulting {
    price_id: Option<String>,
    interval: (Option<String>, Option<i64>),
}

/// Checks one changed item's new price: cached, active, recurring, in the subscription's
/// currency. Answers its interval.
fn changed_price(
    store: &Store,
    account_id: &str,
    detail: &SubscriptionDetail,
    number: usize,
    price_id: &str,
) -> Result<(Option<String>, Option<i64>)> {
    let facts = price_facts(store, account_id, price_id)?.ok_or_else(|| {
        invalid(format!("Item {number}: there is no price {price_id} in this account (sync it first if it is new)."))
    })?;
    if !facts.active {
        return Err(invalid(format!("Item {number}: price {price_id} is archived.")));
    }
    if !facts.recurring {
        return Err(invalid(format!("Item {number}: price {price_id} is one-off; a subscription needs recurring prices.")));
    }
    if !facts.currency.eq_ignore_ascii_case(&detail.currency) {
        return Err(invalid(format!(
            "Item {number}: price {price_id} is in {} but the subscription is in {}.",
            facts.currency.to_uppercase(),
            detail.currency.to_uppercase()
        )));
    }
    // The cache keeps Stripe's default of one interval when the count is missing.
    Ok((facts.interval.0, Some(facts.interval.1.unwrap_or(1))))
}

/// Whether `change` (of the existing item `current`) changes anything.
fn changes_item(change: &ItemChange, current: &super::SubscriptionItemView) -> bool {
    change.deleted
        || change.price_id.as_ref().is_some_and(|price| current.price_id.as_ref() != Some(price))
        || change.quantity.is_some_and(|quantity| quantity != current.quantity)
}

/// Checks a change of prices and quantities against the cached subscription and prices: the
/// subscription's state allows it; each item names one of its items at most once or adds a
/// new price; quantities of at least 1; prices cached, active, recurring and in its currency;
/// all items left on one interval (a change of interval moves every item); something changes;
/// the proration date within the current period.
pub(super) fn change(
    store: &Store,
    account_id: &str,
    detail: &SubscriptionDetail,
    input: &SubscriptionChangeInput,
) -> Result<()> {
    if !detail.actions.contains(&SubscriptionActionKind::Change) {
        return Err(invalid(refusal(detail, SubscriptionActionKind::Change)));
    }
    let mut after: Vec<Resulting> = detail
        .items
        .iter()
        .map(|item| Resulting {
            price_id: item.price_id.clone(),
            interval: (item.interval.clone(), Some(item.interval_count.unwrap_or(1))),
        })
        .collect();
    let mut removed = vec![false; detail.items.len()];
    let mut changed = false;
    for (index, item) in input.items.iter().enumerate() {
        let number = index + 1;
        if item.quantity.is_some_and(|quantity| quantity <= 0) {
            return Err(invalid(format!("Item {number} needs a quantity of at least 1 (remove the item instead).")));
        }
        if item.quantity.is_some_and(|quantity| quantity > MAX_QUANTITY) {
            return Err(invalid(format!("Item {number} has too large a quantity.")));
        }
        let interval = match &item.price_id {
            Some(price_id) => Some(changed_price(store, account_id, detail, number, price_id)?),
            None => None,
        };
        match &item.item_id {
            Some(item_id) => {
                let position = detail.items.iter().position(|current| current.id == *item_id).ok_or_else(|| {
                    invalid(format!("Item {number}: {item_id} is not an item of subscription {}.", detail.id))
                })?;
                if input.items[..index].iter().any(|other| other.item_id.as_ref() == Some(item_id)) {
                    return Err(invalid(format!("Item {number} names {item_id} a second time.")));
                }
                if item.deleted && (item.price_id.is_some() || item.quantity.is_some()) {
                    return Err(invalid(format!("Item {number} is removed; it takes no new price or quantity.")));
                }
                changed |= changes_item(item, &detail.items[position]);
                removed[position] = item.deleted;
                if let (Some(price_id), Some(interval)) = (&item.price_id, interval) {
                    after[position] = Resulting { price_id: Some(price_id.clone()), interval };
                }
            }
            None => {
                if item.deleted {
                    return Err(invalid(format!("Item {number} is not on the subscription, so it cannot be removed.")));
                }
                let (Some(price_id), Some(interval)) = (&item.price_id, interval) else {
                    return Err(invalid(format!("Item {number} is new and needs a price.")));
                };
                changed = true;
                after.push(Resulting { price_id: Some(price_id.clone()), interval });
                removed.push(false);
            }
        }
    }
    if !changed {
        return Err(invalid("This changes nothing: pick another price or quantity, or add or remove an item."));
    }
    let left: Vec<&Resulting> = after.iter().zip(&removed).filter(|(_, gone)| !**gone).map(|(item, _)| item).collect();
    if left.is_empty() {
        return Err(invalid("A subscription keeps at least one item; to end it, cancel it instead."));
    }
    if left.len() > MAX_ITEMS {
        return Err(invalid(format!("A subscription can have at most {MAX_ITEMS} prices.")));
    }
    for (index, item) in left.iter().enumerate() {
        if item.price_id.is_some() && left[..index].iter().any(|other| other.price_id == item.price_id) {
            let price = item.price_id.as_deref().unwrap_or_default();
            return Err(invalid(format!("Price {price} would be on the subscription twice; change the quantity instead.")));
        }
        if item.interval != left[0].interval {
            return Err(invalid(
                "All items of a subscription bill on one interval; to change the interval, change every item's price.",
            ));
        }
    }
    let (start, end) = (detail.current_period_start, detail.current_period_end);
    if start.is_some_and(|start| input.proration_date < start) || end.is_some_and(|end| input.proration_date > end) {
        return Err(invalid("The proration date must be within the subscription's current period."));
    }
    Ok(())
}

#[cfg(test)]
#[path = "validate_change_tests.rs"]
mod change_tests;
