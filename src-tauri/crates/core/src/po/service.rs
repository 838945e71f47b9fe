//! Purchase orders on [`Billfold`]: create and edit drafts, issue, record payments, resend,
//! cancel, and the links the UI may open. Writes to Stripe go through the operations journal;
//! every change notifies the window (`data-changed`, resource `purchase_orders`).

use rusqlite::params;
use url::Url;

use super::status::{self, Action};
use super::store::{self, Audit, PaymentRow};
use super::validate::{self, ValidPo};
use super::{NewPayment, PaymentMethod, PoInput, PoListQuery, PoPage, PurchaseOrder, RESOURCE};
use crate::error::{Error, Result};
use crate::journal::{self, InvoiceAction, IssueInvoice, IssueInvoiceLine, OperationKind};
use crate::money::parse_amount;
use crate::sync::DataChanged;
use crate::Billfold;

/// Hosts of Stripe's hosted invoice pages, PDFs and dashboard.
const STRIPE_HOSTS: &[&str] = &[
    "invoice.stripe.com",
    "pay.stripe.com",
    "files.stripe.com",
    "dashboard.stripe.com",
];

/// Whether the UI may open `link`: `https` on one of Stripe's hosts, or any link on the
/// account's own API base host and scheme (the emulator in demo mode). Checked on the parsed
/// URL, so `https://invoice.stripe.com.evil.test/` or `https://evil.test/?invoice.stripe.com`
/// are refused.
pub fn allowed_link(link: &str, api_base: &str) -> Result<String> {
    let refused =
        || Error::Validation("Billfold only opens Stripe's invoice pages and PDFs.".into());
    let url = Url::parse(link).map_err(|_| refused())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused());
    }
    let host = url.host_str().ok_or_else(refused)?;
    let on_stripe = url.scheme() == "https" && url.port().is_none() && STRIPE_HOSTS.contains(&host);
    let on_base = Url::parse(api_base).is_ok_and(|base| {
        base.scheme() == url.scheme()
            && base.host_str() == Some(host)
            && base.port_or_known_default() == url.port_or_known_default()
            && matches!(url.scheme(), "https" | "http")
    });
    if on_stripe || on_base {
        Ok(url.to_string())
    } else {
        Err(refused())
    }
}

impl Billfold {
    /// Tells the window that an account's POs changed.
    pub(crate) fn purchase_orders_changed(&self, account_id: &str) {
        if let Some(observer) = self.sync_runtime().observer() {
            observer.data_changed(&DataChanged {
                account_id: account_id.into(),
                resources: vec![RESOURCE.into()],
            });
        }
    }

    fn valid_po(&self, account_id: &str, input: &PoInput) -> Result<ValidPo> {
        let account = self.store().get_account(account_id)?;
        validate::validate(input, &account.default_currency)
    }

    /// A page of the account's POs.
    pub fn list_purchase_orders(&self, account_id: &str, query: &PoListQuery) -> Result<PoPage> {
        self.store().get_account(account_id)?;
        self.store().list_purchase_orders(account_id, query)
    }

    /// Everything about one PO.
    pub fn purchase_order(&self, account_id: &str, po_id: &str) -> Result<PurchaseOrder> {
        self.store().purchase_order(account_id, po_id)
    }

    /// Saves a new draft PO; refused input saves nothing.
    pub fn create_purchase_order(&self, account_id: &str, input: PoInput) -> Result<PurchaseOrder> {
        let po = self.valid_po(account_id, &input)?;
        let id = format!("po_{}", uuid::Uuid::new_v4().simple());
        self.store()
            .po_write(|tx| store::insert(tx, account_id, &id, &po, "entered"))?;
        self.purchase_orders_changed(account_id);
        self.purchase_order(account_id, &id)
    }

    /// Replaces a draft's fields and lines; issued POs cannot change.
    pub fn update_purchase_order(
        &self,
        account_id: &str,
        po_id: &str,
        input: PoInput,
    ) -> Result<PurchaseOrder> {
        let po = self.valid_po(account_id, &input)?;
        self.store().po_write(|tx| {
            let old = store::head(tx, account_id, po_id)?;
            status::allows(old.status, Action::Edit)
                .map_err(|why| Error::Validation(why.into()))?;
            if old.issue_operation_id.is_some() {
                return Err(Error::Validation(
                    "This purchase order is being issued and can no longer be changed.".into(),
                ));
            }
            store::update(tx, account_id, &old, &po)
        })?;
        self.purchase_orders_changed(account_id);
        self.purchase_order(account_id, po_id)
    }

    /// Issues the PO as a Stripe invoice: one journaled operation, started at most once per
    /// PO (asking again resumes it), at most five requests. Stripe emails the invoice.
    pub async fn issue_purchase_order(
        &self,
        account_id: &str,
        po_id: &str,
    ) -> Result<PurchaseOrder> {
        let account = self.store().get_account(account_id)?;
        let gateway = self.gateway(account_id).await?;
        let operation_id = self.store().po_write(|tx| {
            let po = store::head(tx, account_id, po_id)?;
            if let Some(running) = &po.issue_operation_id {
                return Ok(running.clone());
            }
            status::allows(po.status, Action::Issue).map_err(|why| Error::Validation(why.into()))?;
            let lines = store::lines(tx, account_id, po_id)?;
            let input = IssueInvoice {
                customer_email: po.contact_email.clone(),
                customer_name: po.organization.clone(),
                currency: po.currency.clone(),
                days_until_due: u32::try_from(po.payment_terms_days).unwrap_or(30),
                lines: lines
                    .iter()
                    .map(|line| IssueInvoiceLine {
                        description: line.description.clone(),
                        quantity: line.quantity as u64,
                        unit_amount: line.unit_amount,
                    })
                    .collect(),
                metadata: [
                    ("po_id", po.id.clone()),
                    ("po_number", po.po_number.clone()),
                    ("account_slug", account.slug.clone()),
                    ("contact_name", po.contact_name.clone()),
                    ("payment_terms_days", po.payment_terms_days.to_string()),
                ]
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
                custom_fields: vec![("PO number".into(), po.po_number.clone())],
                po_id: Some(po.id.clone()),
            };
            input.validate()?;
            let input = serde_json::to_value(&input).map_err(|err| Error::Internal(err.to_string()))?;
            let operation = journal::begin_in(tx, account_id, OperationKind::IssueInvoice, input)?;
            tx.execute(
                "UPDATE purchase_orders SET issue_operation_id = ?3, updated_at = ?4 WHERE account_id = ?1 AND id = ?2",
                params![account_id, po_id, operation.id, store::now()],
            )?;
            store::audit(tx, account_id, po_id, Audit { new_value: Some(operation.id.clone()), ..Audit::action("issue_started") })?;
            Ok(operation.id)
        })?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation_id).await;
        self.written_to_stripe(account_id, [RESOURCE]);
        outcome?;
        self.purchase_order(account_id, po_id)
    }

    /// Records a payment received outside Stripe. When it completes the balance, the Stripe
    /// invoice is marked paid out of band (journaled); a partial one stays here only, and the
    /// PO says Stripe still shows the remainder as due. The payment is kept even if Stripe
    /// refuses; the audit log says why.
    pub async fn record_po_payment(
        &self,
        account_id: &str,
        po_id: &str,
        payment: NewPayment,
    ) -> Result<PurchaseOrder> {
        if payment.method == PaymentMethod::Stripe {
            return Err(Error::Validation(
                "Payments through Stripe arrive by themselves with the next sync.".into(),
            ));
        }
        let received_on = payment.received_on.trim();
        if chrono::NaiveDate::parse_from_str(received_on, "%Y-%m-%d").is_err() {
            return Err(Error::Validation(format!(
                "'{received_on}' is not a date (YYYY-MM-DD)."
            )));
        }
        let operation_id = self.store().po_write(|tx| {
            let po = store::head(tx, account_id, po_id)?;
            status::allows(po.status, Action::RecordPayment).map_err(|why| Error::Validation(why.into()))?;
            let amount = parse_amount(&payment.amount, &po.currency()?)?;
            if amount <= 0 {
                return Err(Error::Validation("A payment must be more than zero.".into()));
            }
            let id = format!("pay_{}", uuid::Uuid::new_v4().simple());
            let reference = payment.reference.as_deref().map(str::trim).filter(|text| !text.is_empty());
            let note = payment.note.as_deref().map(str::trim).filter(|text| !text.is_empty());
            store::insert_payment(
                tx,
                account_id,
                po_id,
                &PaymentRow { id: &id, amount, method: payment.method, reference, received_on, note, recorded_in_stripe: false },
            )?;
            let currency = po.currency()?;
            store::audit(
                tx,
                account_id,
                po_id,
                Audit {
                    field: Some("payments"),
                    new_value: Some(format!(
                        "{} {} by {}{}",
                        crate::money::format_amount(amount, &currency),
                        currency.code().to_ascii_uppercase(),
                        payment.method.as_str(),
                        reference.map(|r| format!(" ({r})")).unwrap_or_default()
                    )),
                    ..Audit::action("payment_recorded")
                },
            )?;
            let status = store::settle(tx, account_id, po_id, None)?;
            let completes = status == super::PoStatus::Paid && po.invoice_status.as_deref() == Some("open");
            let (Some(invoice_id), true) = (po.invoice_id.clone(), completes) else { return Ok(None) };
            let input = serde_json::to_value(InvoiceAction { invoice_id, po_id: Some(po_id.to_string()) })
                .map_err(|err| Error::Internal(err.to_string()))?;
            let operation = journal::begin_in(tx, account_id, OperationKind::PayInvoiceOutOfBand, input)?;
            // Every payment Stripe does not know of yet is covered by this mark.
            tx.execute(
                "UPDATE purchase_order_payments SET oob_operation_id = ?3
                 WHERE account_id = ?1 AND po_id = ?2 AND recorded_in_stripe = 0 AND oob_operation_id IS NULL",
                params![account_id, po_id, operation.id],
            )?;
            Ok(Some(operation.id))
        })?;
        // The payment is saved; the mark in Stripe follows now, or when operations resume.
        if let Some(operation_id) = operation_id {
            let outcome = match self.gateway(account_id).await {
                Ok(gateway) => journal::run(&self.shared_store(), &gateway, &operation_id)
                    .await
                    .map(drop),
                Err(err) => Err(err),
            };
            if let Err(err) = outcome {
                tracing::warn!(account = %account_id, po = %po_id, %err, "marking the invoice paid out of band did not finish");
            }
        }
        self.written_to_stripe(account_id, [RESOURCE]);
        self.purchase_order(account_id, po_id)
    }

    /// Emails the invoice again (journaled `send`).
    pub async fn resend_po_invoice(&self, account_id: &str, po_id: &str) -> Result<PurchaseOrder> {
        let gateway = self.gateway(account_id).await?;
        let operation_id = self.store().po_write(|tx| {
            let po = store::head(tx, account_id, po_id)?;
            status::allows(po.status, Action::Resend)
                .map_err(|why| Error::Validation(why.into()))?;
            let invoice_id = po.invoice_id.ok_or_else(|| {
                Error::Validation("This purchase order has no invoice yet.".into())
            })?;
            let input = serde_json::to_value(InvoiceAction {
                invoice_id,
                po_id: Some(po_id.to_string()),
            })
            .map_err(|err| Error::Internal(err.to_string()))?;
            Ok(journal::begin_in(tx, account_id, OperationKind::SendInvoice, input)?.id)
        })?;
        let outcome = journal::run(&self.shared_store(), &gateway, &operation_id).await;
        self.written_to_stripe(account_id, [RESOURCE]);
        outcome?;
        self.purchase_order(account_id, po_id)
    }

    /// Cancels a PO: a draft never issued is cancelled here; an open invoice is voided and a
    /// draft invoice deleted (journaled). POs with payments cannot be cancelled.
    pub async fn cancel_purchase_order(
        &self,
        account_id: &str,
        po_id: &str,
    ) -> Result<PurchaseOrder> {
        let gateway = self.gateway(account_id).await?;
        let operation_id = self.store().po_write(|tx| {
            let po = store::head(tx, account_id, po_id)?;
            status::allows(po.status, Action::Cancel).map_err(|why| Error::Validation(why.into()))?;
            let kind = match (po.invoice_id.clone(), po.invoice_status.as_deref()) {
                (None, _) if po.issue_operation_id.is_some() => {
                    return Err(Error::Conflict(
                        "This purchase order is being issued; cancel it once the invoice exists.".into(),
                    ))
                }
                (None, _) => {
                    tx.execute(
                        "UPDATE purchase_orders SET cancelled = 1, updated_at = ?3 WHERE account_id = ?1 AND id = ?2",
                        params![account_id, po_id, store::now()],
                    )?;
                    store::audit(tx, account_id, po_id, Audit { new_value: Some("draft cancelled".into()), ..Audit::action("cancelled") })?;
                    store::settle(tx, account_id, po_id, None)?;
                    return Ok(None);
                }
                (Some(invoice_id), Some("draft")) => (invoice_id, OperationKind::DeleteInvoice),
                (Some(invoice_id), _) => (invoice_id, OperationKind::VoidInvoice),
            };
            let (invoice_id, kind) = kind;
            let input = serde_json::to_value(InvoiceAction { invoice_id, po_id: Some(po_id.to_string()) })
                .map_err(|err| Error::Internal(err.to_string()))?;
            Ok(Some(journal::begin_in(tx, account_id, kind, input)?.id))
        })?;
        let outcome = match operation_id {
            Some(operation_id) => journal::run(&self.shared_store(), &gateway, &operation_id)
                .await
                .map(drop),
            None => Ok(()),
        };
        self.written_to_stripe(account_id, [RESOURCE]);
        outcome?;
        self.purchase_order(account_id, po_id)
    }

    /// The PO's hosted invoice page (`"hosted"`) or PDF (`"pdf"`), checked with [`allowed_link`].
    pub fn po_link(&self, account_id: &str, po_id: &str, which: &str) -> Result<String> {
        let account = self.store().get_account(account_id)?;
        let po = self.purchase_order(account_id, po_id)?;
        let link = match which {
            "hosted" => po.hosted_invoice_url,
            "pdf" => po.invoice_pdf,
            other => {
                return Err(Error::Validation(format!(
                    "'{other}' is not a link of a purchase order (hosted or pdf)."
                )))
            }
        };
        let link = link
            .ok_or_else(|| Error::Validation("This purchase order has no invoice yet.".into()))?;
        allowed_link(&link, &account.api_base)
    }
}

#[cfg(test)]
mod tests {
    use super::allowed_link;

    #[test]
    fn links_open_only_on_stripe_hosts_or_the_account_base() {
        let base = "http://127.0.0.1:4242/";
        assert!(allowed_link(
            "https://invoice.stripe.com/i/acct_1/test_abc",
            "https://api.stripe.com/"
        )
        .is_ok());
        assert!(allowed_link(
            "https://pay.stripe.com/invoice/acct_1/x/pdf",
            "https://api.stripe.com/"
        )
        .is_ok());
        assert!(allowed_link("http://127.0.0.1:4242/_sim/hosted/invoices/in_1", base).is_ok());
        for bad in [
            "http://invoice.stripe.com/i/x",
            "https://invoice.stripe.com.evil.test/i/x",
            "https://evil.test/?u=https://invoice.stripe.com/",
            "https://user@invoice.stripe.com/i/x",
            "https://invoice.stripe.com:8443/i/x",
            "http://127.0.0.1:9999/_sim/hosted/invoices/in_1",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(allowed_link(bad, base).is_err(), "{bad} was allowed");
        }
    }
}
