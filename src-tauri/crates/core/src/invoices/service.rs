//! Invoices on [`Billfold`]: the detail, actions, new and edited drafts, reminders, CSV and
//! links. Every write is checked first, then runs as one journaled operation whose answer the
//! operation itself applies to the cache; the window is told and the fresh detail returned.

use std::collections::BTreeMap;

use serde_json::Value;

use super::rules::{refusal, InvoiceState};
use super::validate::{self, check_invoice_id};
use super::{
    BulkResult, CatalogPrice, CollectionMethod, CustomerChoice, DraftChanges, InvoiceActionKind, InvoiceDetail,
    NewInvoiceInput, NewInvoiceLine,
};
use crate::error::{Error, Result};
use crate::journal::{self, CreatedInvoice, InvoiceAction, OperationKind, UpdateDraft};
use crate::money::Currency;
use crate::po::allowed_link;
use crate::service::Billfold;

/// Most invoices one bulk action or export takes.
pub const MAX_BULK: usize = 500;

const SECONDS_PER_DAY: i64 = 86_400;

fn operation_kind(kind: InvoiceActionKind) -> OperationKind {
    match kind {
        InvoiceActionKind::Finalize => OperationKind::FinalizeInvoice,
        InvoiceActionKind::Send => OperationKind::SendInvoice,
        InvoiceActionKind::Pay => OperationKind::PayInvoice,
        InvoiceActionKind::PayOutOfBand => OperationKind::PayInvoiceOutOfBand,
        InvoiceActionKind::Void => OperationKind::VoidInvoice,
        InvoiceActionKind::MarkUncollectible => OperationKind::MarkInvoiceUncollectible,
        InvoiceActionKind::DeleteDraft => OperationKind::DeleteInvoice,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|err| Error::Internal(err.to_string()))
}

fn check_bulk(ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::Validation("Choose at least one invoice.".into()));
    }
    if ids.len() > MAX_BULK {
        return Err(Error::Validation(format!("Choose at most {MAX_BULK} invoices at a time.")));
    }
    ids.iter().try_for_each(|id| check_invoice_id(id))
}

impl Billfold {
    /// The cached invoice as the invoice view shows it; no request is made.
    pub fn invoice_detail(&self, account_id: &str, invoice_id: &str) -> Result<InvoiceDetail> {
        check_invoice_id(invoice_id)?;
        self.store().get_account(account_id)?;
        self.store().invoice_detail(account_id, invoice_id)
    }

    /// Runs one invoice action as a journaled operation and returns the fresh detail (a
    /// deleted draft's last detail with status `deleted`). An action the cached invoice's
    /// state does not allow is refused with Stripe's rule before anything is recorded or sent.
    /// An invoice of a purchase order keeps its PO in step.
    pub async fn invoice_action(
        &self,
        account_id: &str,
        invoice_id: &str,
        kind: InvoiceActionKind,
    ) -> Result<InvoiceDetail> {
        let detail = self.invoice_detail(account_id, invoice_id)?;
        if !detail.actions.contains(&kind) {
            let state = InvoiceState {
                status: &detail.status,
                collection_method: &detail.collection_method,
                amount_remaining: detail.amount_remaining,
            };
            let rule = refusal(state, kind).unwrap_or_else(|| "Stripe does not allow that on this invoice now.".into());
            return Err(Error::Validation(rule));
        }
        let po_id = detail.po.as_ref().map(|po| po.po_id.clone());
        let input = to_json(&InvoiceAction { invoice_id: invoice_id.to_string(), po_id: po_id.clone() })?;
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, operation_kind(kind), input)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        // A finalize or void may have moved the customer's balance too (fetched by the operation).
        self.written_to_stripe(account_id, ["invoices", "customers"]);
        if po_id.is_some() {
            crate::po::reconcile(self.store(), account_id)?;
            self.purchase_orders_changed(account_id);
        }
        outcome?;
        if kind == InvoiceActionKind::DeleteDraft {
            return Ok(super::detail::deleted(detail));
        }
        self.store().invoice_detail(account_id, invoice_id)
    }

    /// Creates a draft invoice (see [`journal`]'s `create_invoice`) after checking everything
    /// against Stripe's limits and the cache; returns its detail.
    pub async fn create_invoice(&self, account_id: &str, input: NewInvoiceInput) -> Result<InvoiceDetail> {
        self.store().get_account(account_id)?;
        let now = chrono::Utc::now().timestamp();
        let input = validate::new_invoice(&(self.store(), account_id), &input, now)?;
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, OperationKind::CreateInvoice, to_json(&input)?)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["invoices"]);
        let created: CreatedInvoice =
            serde_json::from_value(outcome?).map_err(|err| Error::Internal(err.to_string()))?;
        self.store().invoice_detail(account_id, &created.invoice_id)
    }

    /// Changes a draft's terms and lines as one journaled operation; returns its detail.
    pub async fn update_draft_invoice(
        &self,
        account_id: &str,
        invoice_id: &str,
        changes: DraftChanges,
    ) -> Result<InvoiceDetail> {
        let detail = self.invoice_detail(account_id, invoice_id)?;
        let now = chrono::Utc::now().timestamp();
        let changes = validate::draft_changes(&(self.store(), account_id), &detail, &changes, now)?;
        if let Some(coupon_id) = changes.coupon_id.as_deref().filter(|coupon| !coupon.is_empty()) {
            let prices: Vec<&str> = detail.lines.iter().filter_map(|line| line.price_id.as_deref()).collect();
            self.store().coupon_for(account_id, coupon_id, &detail.currency, &prices)?;
        }
        let input = UpdateDraft { invoice_id: invoice_id.to_string(), currency: detail.currency.clone(), changes };
        let gateway = self.gateway(account_id).await?;
        let operation = journal::begin(self.store(), account_id, OperationKind::UpdateDraftInvoice, to_json(&input)?)?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["invoices"]);
        outcome?;
        self.store().invoice_detail(account_id, invoice_id)
    }

    /// A new draft for the same customer, currency, terms, memo, footer, custom fields and
    /// lines as the cached invoice `invoice_id` (its own metadata stays behind).
    pub async fn duplicate_invoice(&self, account_id: &str, invoice_id: &str) -> Result<InvoiceDetail> {
        let detail = self.invoice_detail(account_id, invoice_id)?;
        let catalog = self.store().catalog_prices(account_id, Some(&detail.currency))?;
        let catalog: Vec<String> = catalog.into_iter().map(|price| price.id).collect();
        let input = copy_of(&detail, &catalog)?;
        self.create_invoice(account_id, input).await
    }

    /// Active one-off prices of the cache, in `currency` when given, with product names.
    pub fn list_catalog_prices(&self, account_id: &str, currency: Option<&str>) -> Result<Vec<CatalogPrice>> {
        self.store().get_account(account_id)?;
        let currency = currency.filter(|code| !code.trim().is_empty()).map(Currency::parse).transpose()?;
        self.store().catalog_prices(account_id, currency.as_ref().map(Currency::code))
    }

    /// Emails each open invoice again, one journaled `send` each; an invoice Stripe (or its
    /// state) refuses is reported in its result, not thrown.
    pub async fn send_invoice_reminders(&self, account_id: &str, invoice_ids: &[String]) -> Result<Vec<BulkResult>> {
        check_bulk(invoice_ids)?;
        self.store().get_account(account_id)?;
        let mut results = Vec::with_capacity(invoice_ids.len());
        for invoice_id in invoice_ids {
            let outcome = self.invoice_action(account_id, invoice_id, InvoiceActionKind::Send).await;
            results.push(BulkResult {
                invoice_id: invoice_id.clone(),
                ok: outcome.is_ok(),
                message: outcome.err().map(|err| err.to_string()),
            });
        }
        Ok(results)
    }

    /// The cached invoices as CSV text, in the order given.
    pub fn export_invoices_csv(&self, account_id: &str, invoice_ids: &[String]) -> Result<String> {
        check_bulk(invoice_ids)?;
        self.store().get_account(account_id)?;
        let details = invoice_ids
            .iter()
            .map(|id| self.store().invoice_detail(account_id, id))
            .collect::<Result<Vec<_>>>()?;
        super::csv::export(&details)
    }

    /// The invoice's hosted page (`"hosted"`) or PDF (`"pdf"`), checked like a PO's links.
    pub fn invoice_link(&self, account_id: &str, invoice_id: &str, which: &str) -> Result<String> {
        let account = self.store().get_account(account_id)?;
        let detail = self.invoice_detail(account_id, invoice_id)?;
        let link = match which {
            "hosted" => detail.hosted_invoice_url,
            "pdf" => detail.invoice_pdf,
            other => {
                return Err(Error::Validation(format!("'{other}' is not a link of an invoice (hosted or pdf).")))
            }
        };
        let link = link.ok_or_else(|| Error::Validation("A draft invoice has no page or PDF until it is finalized.".into()))?;
        allowed_link(&link, &account.api_base)
    }
}

/// A new invoice with `detail`'s customer, terms and lines. Payment terms are kept as a
/// number of days, so the copy is due as long after its creation as the original was. A line
/// priced from the `catalog` names its price again; any other (an ad hoc line's inline price,
/// an archived price) is copied as its description and unit amount.
fn copy_of(detail: &InvoiceDetail, catalog: &[String]) -> Result<NewInvoiceInput> {
    let customer_id = detail
        .customer_id
        .clone()
        .ok_or_else(|| Error::Validation("This invoice has no customer to bill again.".into()))?;
    let collection_method = if detail.collection_method == "send_invoice" {
        CollectionMethod::SendInvoice
    } else {
        CollectionMethod::ChargeAutomatically
    };
    let days_until_due = match (collection_method, detail.due_date) {
        (CollectionMethod::SendInvoice, Some(due)) => {
            let from = detail.finalized_at.unwrap_or(detail.created);
            Some(u32::try_from(((due - from).max(0) + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY).unwrap_or(30))
        }
        (CollectionMethod::SendInvoice, None) => Some(30),
        (CollectionMethod::ChargeAutomatically, _) => None,
    };
    let lines = detail
        .lines
        .iter()
        .map(|line| {
            let quantity = u64::try_from(line.quantity.unwrap_or(1).max(1)).unwrap_or(1);
            let unit_amount = line.unit_amount.unwrap_or(line.amount / i64::try_from(quantity).unwrap_or(1));
            let price_id = line.price_id.clone().filter(|price| catalog.contains(price));
            let description = match (&price_id, &line.description) {
                (None, None) => Some("Invoice line".to_string()),
                (_, description) => description.clone(),
            };
            NewInvoiceLine {
                unit_amount: if price_id.is_some() { None } else { Some(unit_amount) },
                price_id,
                description,
                quantity,
            }
        })
        .collect();
    // Billfold's own keys name the original's operation and PO; the copy has neither.
    let metadata: BTreeMap<String, String> = detail
        .metadata
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "operation_id" | "po_id" | "po_number"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Ok(NewInvoiceInput {
        customer: CustomerChoice::Existing { customer_id },
        currency: detail.currency.clone(),
        collection_method,
        days_until_due,
        due_date: None,
        lines,
        memo: detail.memo.clone(),
        footer: detail.footer.clone(),
        custom_fields: detail.custom_fields.clone(),
        metadata,
    })
}
