//! A customer's balance ledger, fetched when the customer is opened, and credits or debits
//! added to it through the operations journal.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::check_customer_id;
use crate::error::{Error, Result};
use crate::journal::{self, AddBalanceTransaction, OperationKind};
use crate::money::Currency;
use crate::service::Billfold;
use crate::store::cache::BALANCE_TRANSACTIONS_RESOURCE;
use crate::store::BalanceTransactionRow;

/// Stripe's largest amount: eight digits of minor units.
pub const MAX_BALANCE_AMOUNT: i64 = 99_999_999;
/// Stripe's longest balance transaction `description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 350;

/// A credit or debit to add to a customer's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BalanceAdjustmentInput {
    /// Minor units, not zero; negative is a credit to the customer (lowers what they owe).
    pub amount: i64,
    /// ISO currency code, any case.
    pub currency: String,
    /// What it is for, shown on the ledger (at most 350 characters).
    pub description: Option<String>,
}

impl BalanceAdjustmentInput {
    /// Checks what Stripe would refuse and returns the journal's input: currency lowercased,
    /// an empty description dropped.
    fn validate(&self, customer_id: &str) -> Result<AddBalanceTransaction> {
        check_customer_id(customer_id)?;
        if self.amount == 0 {
            return Err(Error::Validation(
                "A balance adjustment cannot be zero.".into(),
            ));
        }
        if self.amount.unsigned_abs() > MAX_BALANCE_AMOUNT as u64 {
            return Err(Error::Validation(format!(
                "Stripe allows at most {MAX_BALANCE_AMOUNT} minor units in one adjustment."
            )));
        }
        let currency = Currency::parse(&self.currency)?;
        let description = self
            .description
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty());
        if description.is_some_and(|text| text.chars().count() > MAX_DESCRIPTION_CHARS) {
            return Err(Error::Validation(format!(
                "The description can have at most {MAX_DESCRIPTION_CHARS} characters."
            )));
        }
        Ok(AddBalanceTransaction {
            customer_id: customer_id.to_string(),
            amount: self.amount,
            currency: currency.code().to_string(),
            description: description.map(str::to_string),
        })
    }
}

impl Billfold {
    /// Fetches a customer's whole balance ledger from Stripe (all pages, through the account's
    /// gateway) and replaces the customer's cached ledger with it in one transaction. For a
    /// customer view being opened. Newest first.
    pub async fn refresh_customer_balance_transactions(
        &self,
        account_id: &str,
        customer_id: &str,
    ) -> Result<Vec<BalanceTransactionRow>> {
        check_customer_id(customer_id)?;
        self.store().get_account(account_id)?;
        let gateway = self.gateway(account_id).await?;
        let path = format!("/v1/customers/{customer_id}/balance_transactions");
        let objects = crate::sync::list_customer_children(&gateway, &path, customer_id).await?;
        let ((), changed) = self.store().cache_write(account_id, |tx| {
            tx.replace_balance_transactions(customer_id, &objects)
        })?;
        self.notify_changed(account_id, changed);
        self.store()
            .customer_balance_transactions(account_id, customer_id)
    }

    /// Credits (negative amount) or debits a customer's balance as one journaled operation,
    /// applies Stripe's answer to the cache (the ledger row and the customer's new balance)
    /// and returns the row. The input is checked, and the customer looked up in the cache,
    /// before anything is recorded or sent.
    pub async fn add_customer_balance_transaction(
        &self,
        account_id: &str,
        customer_id: &str,
        input: BalanceAdjustmentInput,
    ) -> Result<BalanceTransactionRow> {
        let input = input.validate(customer_id)?;
        self.store().get_account(account_id)?;
        if !self.store().has_cached_customer(account_id, customer_id)? {
            return Err(Error::Validation(format!(
                "There is no customer {customer_id} in this account (sync it first if it is new)."
            )));
        }
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(&input).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(
            self.store(),
            account_id,
            OperationKind::AddCustomerBalanceTransaction,
            input,
        )?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await?;
        self.written_to_stripe(account_id, ["customers", BALANCE_TRANSACTIONS_RESOURCE]);
        serde_json::from_value(output).map_err(|err| Error::Internal(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(amount: i64, currency: &str, description: Option<&str>) -> BalanceAdjustmentInput {
        BalanceAdjustmentInput {
            amount,
            currency: currency.into(),
            description: description.map(str::to_string),
        }
    }

    #[test]
    fn validation_refuses_what_stripe_would() {
        let long = "x".repeat(351);
        for (bad, customer) in [
            (input(0, "eur", None), "cus_1"),
            (input(100_000_000, "eur", None), "cus_1"),
            (input(-100_000_000, "eur", None), "cus_1"),
            (input(500, "xyz", None), "cus_1"),
            (input(500, "eur", Some(&long)), "cus_1"),
            (input(500, "eur", None), "cus_1/../x"),
        ] {
            assert!(
                matches!(bad.validate(customer), Err(Error::Validation(_))),
                "{bad:?} {customer}"
            );
        }
        let ok = input(-99_999_999, "EUR", Some("  "))
            .validate("cus_1")
            .unwrap();
        assert_eq!(ok.currency, "eur");
        assert_eq!(ok.description, None);
        assert!(input(500, "eur", Some(&"é".repeat(350)))
            .validate("cus_1")
            .is_ok());
    }
}
