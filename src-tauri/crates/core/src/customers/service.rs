//! Customers on [`Billfold`]: create and update (each one journaled request whose answer is
//! applied to the cache), the detail view, and the look-up behind the duplicate-email warning.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::input::CustomerInput;
use super::{check_customer_id, CustomerDetail};
use crate::error::{Error, Result};
use crate::journal::{self, OperationKind, WriteCustomer};
use crate::service::Billfold;
use crate::store::CustomerRow;

impl Billfold {
    /// A customer's detail, from the cache only (no request).
    pub fn customer_detail(&self, account_id: &str, customer_id: &str) -> Result<CustomerDetail> {
        check_customer_id(customer_id)?;
        self.store().get_account(account_id)?;
        self.store().customer_detail(account_id, customer_id)
    }

    /// The cached customers whose email is exactly `email`, whatever the case (for warning
    /// about a duplicate before creating one).
    pub fn customers_with_email(&self, account_id: &str, email: &str) -> Result<Vec<CustomerRow>> {
        self.store().get_account(account_id)?;
        let email = email.trim();
        if email.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.store().read_conn()?;
        let mut statement = conn.prepare(
            "SELECT id, name, email, currency, coalesce(balance, 0), coalesce(delinquent, 0), coalesce(created, 0)
             FROM cache_customers WHERE account_id = ?1 AND deleted = 0 AND lower(email) = lower(?2)
             ORDER BY ifnull(created, 0) DESC, id DESC",
        )?;
        let rows = statement.query_map(params![account_id, email], |row| {
            Ok(CustomerRow {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                currency: row.get(3)?,
                balance: row.get(4)?,
                delinquent: row.get(5)?,
                created: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Creates a customer as one journaled operation (the request carries
    /// `metadata[operation_id]`) and returns its detail from the cache. A new customer has no
    /// payment method yet, so a default one is refused.
    pub async fn create_customer(&self, account_id: &str, input: CustomerInput) -> Result<CustomerDetail> {
        input.validate()?;
        if input.default_payment_method.as_deref().is_some_and(|pm| !pm.trim().is_empty()) {
            return Err(Error::Validation(
                "A new customer has no payment method yet: attach one first, then make it the default.".into(),
            ));
        }
        self.store().get_account(account_id)?;
        let write = WriteCustomer { customer_id: None, form: input.form(None) };
        let output = self.write_customer(account_id, OperationKind::CreateCustomer, write).await?;
        let customer_id = output["customer_id"]
            .as_str()
            .ok_or_else(|| Error::Internal("a create_customer operation gave no customer id".into()))?;
        self.store().customer_detail(account_id, customer_id)
    }

    /// Updates a cached customer as one journaled operation: every field of `input` is sent
    /// (an empty one clears it) and the answer applied to the cache. The default payment
    /// method must be one of the customer's cached payment methods.
    pub async fn update_customer(&self, account_id: &str, customer_id: &str, input: CustomerInput) -> Result<CustomerDetail> {
        check_customer_id(customer_id)?;
        input.validate()?;
        self.store().get_account(account_id)?;
        let existing = self.cached_customer(account_id, customer_id)?;
        if let Some(pm) = input.default_payment_method.as_deref().map(str::trim).filter(|pm| !pm.is_empty()) {
            if !self.has_payment_method(account_id, customer_id, pm)? {
                return Err(Error::Validation(format!(
                    "{pm} is not a payment method of customer {customer_id} (refresh its payment methods if it is new)."
                )));
            }
        }
        let write = WriteCustomer { customer_id: Some(customer_id.to_string()), form: input.form(Some(&existing)) };
        self.write_customer(account_id, OperationKind::UpdateCustomer, write).await?;
        self.store().customer_detail(account_id, customer_id)
    }

    async fn write_customer(&self, account_id: &str, kind: OperationKind, write: WriteCustomer) -> Result<Value> {
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(&write).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, kind, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["customers"]);
        output
    }

    fn cached_customer(&self, account_id: &str, customer_id: &str) -> Result<Value> {
        let conn = self.store().read_conn()?;
        let raw: Option<String> = conn
            .query_row(
                "SELECT raw FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, customer_id],
                |row| row.get(0),
            )
            .optional()?;
        let raw = raw.ok_or_else(|| {
            Error::Validation(format!("There is no customer {customer_id} in this account (sync it first if it is new)."))
        })?;
        serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached customer is not valid JSON: {err}")))
    }

    fn has_payment_method(&self, account_id: &str, customer_id: &str, payment_method: &str) -> Result<bool> {
        let conn = self.store().read_conn()?;
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM cache_payment_methods WHERE account_id = ?1 AND id = ?2 AND customer_id = ?3 AND deleted = 0",
                params![account_id, payment_method, customer_id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }
}
