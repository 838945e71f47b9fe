//! Customers: their profile created and edited through the operations journal, a detail
//! view read from the cache (invoices, credit notes, subscriptions, purchase orders, events),
//! and the balance ledger.

mod balance;
mod detail;
mod input;
mod service;

use crate::error::{Error, Result};

pub use balance::{BalanceAdjustmentInput, MAX_BALANCE_AMOUNT, MAX_DESCRIPTION_CHARS};
pub use detail::{CustomerDetail, CustomerPo, CustomerSubscription};
pub use input::{Address, CustomerInput, MAX_LOCALES, MAX_METADATA_KEYS, MAX_NAME_CHARS, MAX_PHONE_CHARS};

/// Refuses anything but a Stripe customer id: it goes into a request path.
pub(crate) fn check_customer_id(customer_id: &str) -> Result<()> {
    let plausible = customer_id.starts_with("cus_")
        && customer_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        Ok(())
    } else {
        Err(Error::Validation(format!(
            "'{customer_id}' is not a Stripe customer id."
        )))
    }
}

