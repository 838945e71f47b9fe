//! Credit notes on [`Billfold`]: list, preview (a GET, never journaled), issue and void (each
//! one journaled operation that leaves the cache holding Stripe's answers).

use serde_json::Value;

use super::validate::{self, check_id};
use super::{CreditNoteInput, CreditNotePage, CreditNotePreview, CreditNotePreviewLine, CreditNoteRow};
use crate::error::{Error, Result};
use crate::journal::{self, OperationKind, VoidCreditNote};
use crate::service::Billfold;
use crate::store::cache::kinds;
use crate::store::cache::BALANCE_TRANSACTIONS_RESOURCE;
use crate::store::ListQuery;

/// What issuing or voiding a credit note can change, for the change notice.
const CHANGED: [&str; 5] = ["credit_notes", "invoices", "customers", BALANCE_TRANSACTIONS_RESOURCE, crate::po::RESOURCE];

impl Billfold {
    /// A page of the account's cached credit notes (see [`crate::store::Store::list_credit_notes`]).
    pub fn list_credit_notes(&self, account_id: &str, query: &ListQuery) -> Result<CreditNotePage> {
        self.store().get_account(account_id)?;
        self.store().list_credit_notes(account_id, query)
    }

    /// What a credit note would be, from Stripe's preview, after the same checks as issuing
    /// it. Nothing is recorded.
    pub async fn preview_credit_note(&self, account_id: &str, input: CreditNoteInput) -> Result<CreditNotePreview> {
        self.store().get_account(account_id)?;
        let checked = validate::check(self.store(), account_id, &input)?;
        let gateway = self.gateway(account_id).await?;
        let note = gateway.get_json("/v1/credit_notes/preview", &checked.operation.form()).await?;
        let total = note["total"].as_i64().unwrap_or(checked.total);
        let lines = note["lines"]["data"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .map(|line| CreditNotePreviewLine {
                        description: line["description"].as_str().map(str::to_string),
                        quantity: line["quantity"].as_i64(),
                        amount: line["amount"].as_i64().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Only a pre-payment note (open invoice) lowers what remains due.
        let amount_remaining_after = if checked.invoice_status == "open" {
            (checked.amount_remaining - total).max(0)
        } else {
            checked.amount_remaining
        };
        Ok(CreditNotePreview {
            total,
            subtotal: note["subtotal"].as_i64().unwrap_or(total),
            currency: note["currency"].as_str().unwrap_or_default().to_string(),
            lines,
            amount_remaining_after,
            invoice_status: checked.invoice_status,
            creditable_amount: checked.creditable,
        })
    }

    /// Issues a credit note as one journaled operation and returns its row; the cache then
    /// holds the note, the invoice after it and, when the balance was credited, the customer
    /// and the ledger row. Checked against the cache before anything is recorded or sent.
    pub async fn create_credit_note(&self, account_id: &str, input: CreditNoteInput) -> Result<CreditNoteRow> {
        self.store().get_account(account_id)?;
        let checked = validate::check(self.store(), account_id, &input)?;
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(&checked.operation).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, OperationKind::CreateCreditNote, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, CHANGED);
        Ok(CreditNoteRow::from_stripe(&output?))
    }

    /// Voids an issued credit note as one journaled operation and returns its row. Refused up
    /// front when the cache says it is void already, or (a note that lowered an open invoice)
    /// when its invoice is no longer open, as Stripe would.
    pub async fn void_credit_note(&self, account_id: &str, credit_note_id: &str) -> Result<CreditNoteRow> {
        check_id(credit_note_id, "cn_", "credit note")?;
        self.store().get_account(account_id)?;
        let note = self.cached_credit_note(account_id, credit_note_id)?;
        if note["status"] == "void" {
            return Err(Error::Validation(format!("Credit note {credit_note_id} has already been voided.")));
        }
        let invoice_id = kinds::id_of(&note["invoice"]).map(str::to_string);
        if let (Some("pre_payment"), Some(invoice_id)) = (note["type"].as_str(), &invoice_id) {
            let invoice = validate::cached_invoice(self.store(), account_id, invoice_id)?;
            let status = invoice["status"].as_str().unwrap_or_default();
            if !matches!(status, "open" | "uncollectible") {
                return Err(Error::Validation(format!(
                    "Credit note {credit_note_id} can't be voided because invoice {invoice_id} is {status}."
                )));
            }
        }
        let gateway = self.gateway(account_id).await?;
        let input = VoidCreditNote { credit_note_id: credit_note_id.to_string(), invoice_id };
        let input = serde_json::to_value(&input).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, OperationKind::VoidCreditNote, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, CHANGED);
        Ok(CreditNoteRow::from_stripe(&output?))
    }

    fn cached_credit_note(&self, account_id: &str, credit_note_id: &str) -> Result<Value> {
        let conn = self.store().read_conn()?;
        let raw: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT raw FROM cache_credit_notes WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            rusqlite::params![account_id, credit_note_id],
            |row| row.get(0),
        ))?;
        let raw = raw.ok_or_else(|| {
            Error::Validation(format!("There is no credit note {credit_note_id} in this account (sync it first if it is new)."))
        })?;
        serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached credit note is not valid JSON: {err}")))
    }
}
