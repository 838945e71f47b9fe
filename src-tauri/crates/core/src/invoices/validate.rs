//! Checks of a new invoice and of draft changes, against Stripe's limits and the cache, made
//! before anything is recorded or sent. Each answers the input as the journal records it.

use rusqlite::{params, OptionalExtension};

use super::{CollectionMethod, CustomerChoice, DraftChanges, InvoiceDetail, NewInvoiceInput, NewInvoiceLine};
use crate::customers::check_customer_id;
use crate::error::{Error, Result};
use crate::money::{Currency, MAX_AMOUNT};
use crate::store::Store;

/// Stripe's most lines on one invoice.
pub const MAX_LINES: usize = 250;
/// Stripe's most custom fields on one invoice.
pub const MAX_CUSTOM_FIELDS: usize = 4;
/// Stripe's longest payment terms, in days.
pub const MAX_DAYS_UNTIL_DUE: u32 = 3650;

fn invalid(message: impl Into<String>) -> Error {
    Error::Validation(message.into())
}

/// Refuses anything but a Stripe invoice id: it goes into a request path.
pub(crate) fn check_invoice_id(invoice_id: &str) -> Result<()> {
    let plausible =
        invoice_id.starts_with("in_") && invoice_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        Ok(())
    } else {
        Err(invalid(format!("'{invoice_id}' is not a Stripe invoice id.")))
    }
}

/// What the checks need to know from the cache.
pub(super) trait Catalog {
    /// The cached customer's currency: `None` if not cached, `Some(None)` if it has none yet.
    fn customer_currency(&self, customer_id: &str) -> Result<Option<Option<String>>>;
    /// The currency of a cached customer with exactly this email that has one.
    fn email_currency(&self, email: &str) -> Result<Option<String>>;
    /// The unit amount of a cached, active, one-off price in `currency`, if there is one.
    fn price_amount(&self, price_id: &str, currency: &str) -> Result<Option<i64>>;
}

impl Catalog for (&Store, &str) {
    fn customer_currency(&self, customer_id: &str) -> Result<Option<Option<String>>> {
        let conn = self.0.read_conn()?;
        Ok(conn
            .query_row(
                "SELECT currency FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![self.1, customer_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn email_currency(&self, email: &str) -> Result<Option<String>> {
        let conn = self.0.read_conn()?;
        Ok(conn
            .query_row(
                "SELECT currency FROM cache_customers
                 WHERE account_id = ?1 AND email = ?2 AND deleted = 0 AND currency IS NOT NULL
                 ORDER BY created LIMIT 1",
                params![self.1, email],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn price_amount(&self, price_id: &str, currency: &str) -> Result<Option<i64>> {
        let conn = self.0.read_conn()?;
        Ok(conn
            .query_row(
                "SELECT coalesce(unit_amount, 0) FROM cache_prices
                 WHERE account_id = ?1 AND id = ?2 AND deleted = 0 AND active = 1 AND type = 'one_time' AND currency = ?3",
                params![self.1, price_id, currency],
                |row| row.get(0),
            )
            .optional()?)
    }
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn check_amount(amount: i64, what: &str) -> Result<()> {
    if amount < 0 {
        return Err(invalid(format!("{what} cannot be negative.")));
    }
    if amount > MAX_AMOUNT {
        return Err(invalid(format!("{what} can be at most {MAX_AMOUNT} minor units (Stripe's 8 digits).")));
    }
    Ok(())
}

/// One new line, numbered from 1 in messages.
fn check_line(catalog: &dyn Catalog, line: &NewInvoiceLine, currency: &str, number: usize) -> Result<NewInvoiceLine> {
    if line.quantity == 0 {
        return Err(invalid(format!("Line {number} needs a quantity of at least 1.")));
    }
    let quantity = i64::try_from(line.quantity).map_err(|_| invalid(format!("Line {number} has too large a quantity.")))?;
    let description = trimmed(&line.description);
    let unit = match (&line.price_id, line.unit_amount) {
        (Some(_), Some(_)) => {
            return Err(invalid(format!("Line {number} has both a catalog price and a unit amount; choose one.")))
        }
        (Some(price_id), None) => catalog.price_amount(price_id, currency)?.ok_or_else(|| {
            invalid(format!(
                "Line {number}: {price_id} is not an active one-off price in {} in this account.",
                currency.to_uppercase()
            ))
        })?,
        (None, Some(unit_amount)) => {
            check_amount(unit_amount, &format!("The unit amount of line {number}"))?;
            if description.is_none() {
                return Err(invalid(format!("Line {number} needs a description.")));
            }
            unit_amount
        }
        (None, None) => return Err(invalid(format!("Line {number} needs a catalog price or a unit amount."))),
    };
    let amount = unit.checked_mul(quantity).unwrap_or(i64::MAX);
    check_amount(amount, &format!("The amount of line {number}"))?;
    Ok(NewInvoiceLine { price_id: line.price_id.clone(), description, quantity: line.quantity, unit_amount: line.unit_amount })
}

/// Exactly one of `days_until_due` and `due_date` for `send_invoice`, neither otherwise.
fn check_terms(method: CollectionMethod, days: Option<u32>, due_date: Option<i64>, now: i64) -> Result<()> {
    match (method, days, due_date) {
        (CollectionMethod::ChargeAutomatically, None, None) => Ok(()),
        (CollectionMethod::ChargeAutomatically, _, _) => Err(invalid(
            "Payment terms (days until due or a due date) only apply to invoices emailed to the customer.",
        )),
        (CollectionMethod::SendInvoice, Some(_), Some(_)) => {
            Err(invalid("Give either the days until due or a due date, not both."))
        }
        (CollectionMethod::SendInvoice, None, None) => {
            Err(invalid("An emailed invoice needs payment terms: days until due or a due date."))
        }
        (CollectionMethod::SendInvoice, Some(days), None) if days > MAX_DAYS_UNTIL_DUE => {
            Err(invalid(format!("Payment terms can be at most {MAX_DAYS_UNTIL_DUE} days.")))
        }
        (CollectionMethod::SendInvoice, None, Some(due)) if due <= now => {
            Err(invalid("The due date must be in the future."))
        }
        _ => Ok(()),
    }
}

/// Refuses anything that is not a plausible email address.
pub(crate) fn check_email(email: &str) -> Result<()> {
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }
        None => false,
    } && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(invalid(format!("'{email}' is not a valid email address.")))
    }
}

fn currency_clash(customer: &str, has: &str, wanted: &str) -> Error {
    invalid(format!(
        "{customer} is billed in {} and Stripe keeps a customer to one currency; this invoice is in {}.",
        has.to_uppercase(),
        wanted.to_uppercase()
    ))
}

/// Checks a new invoice; answers it as the journal records it (currency lowercased, texts
/// trimmed, empty texts dropped).
pub(super) fn new_invoice(catalog: &dyn Catalog, input: &NewInvoiceInput, now: i64) -> Result<NewInvoiceInput> {
    let currency = Currency::parse(&input.currency)?.code().to_string();
    let customer = match &input.customer {
        CustomerChoice::Existing { customer_id } => {
            check_customer_id(customer_id)?;
            match catalog.customer_currency(customer_id)? {
                None => {
                    return Err(invalid(format!(
                        "There is no customer {customer_id} in this account (sync it first if it is new)."
                    )))
                }
                Some(Some(has)) if has != currency => {
                    return Err(currency_clash(&format!("Customer {customer_id}"), &has, &currency))
                }
                Some(_) => {}
            }
            CustomerChoice::Existing { customer_id: customer_id.clone() }
        }
        CustomerChoice::ByEmail { email, name } => {
            let email = email.trim().to_string();
            check_email(&email)?;
            if let Some(has) = catalog.email_currency(&email)? {
                if has != currency {
                    return Err(currency_clash(&format!("The customer with email {email}"), &has, &currency));
                }
            }
            CustomerChoice::ByEmail { email, name: name.trim().to_string() }
        }
    };
    check_terms(input.collection_method, input.days_until_due, input.due_date, now)?;
    if input.lines.is_empty() {
        return Err(invalid("An invoice needs at least one line."));
    }
    if input.lines.len() > MAX_LINES {
        return Err(invalid(format!("Stripe allows at most {MAX_LINES} lines on an invoice.")));
    }
    let lines = input
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| check_line(catalog, line, &currency, index + 1))
        .collect::<Result<Vec<_>>>()?;
    if input.custom_fields.len() > MAX_CUSTOM_FIELDS {
        return Err(invalid(format!("Stripe allows at most {MAX_CUSTOM_FIELDS} custom fields on an invoice.")));
    }
    let mut custom_fields = Vec::new();
    for field in &input.custom_fields {
        let (name, value) = (field.name.trim(), field.value.trim());
        if name.is_empty() || value.is_empty() {
            return Err(invalid("Every custom field needs a name and a value."));
        }
        if name.chars().count() > 40 || value.chars().count() > 140 {
            return Err(invalid("Custom field names can be at most 40 characters and values at most 140."));
        }
        custom_fields.push(super::CustomField { name: name.into(), value: value.into() });
    }
    if input.metadata.len() > 49 || input.metadata.contains_key("operation_id") {
        return Err(invalid("Metadata can have at most 49 keys, and 'operation_id' is Billfold's own."));
    }
    if input.metadata.iter().any(|(key, value)| key.is_empty() || key.chars().count() > 40 || value.chars().count() > 500) {
        return Err(invalid("Metadata keys need 1 to 40 characters and values at most 500."));
    }
    Ok(NewInvoiceInput {
        customer,
        currency,
        collection_method: input.collection_method,
        days_until_due: input.days_until_due,
        due_date: input.due_date,
        lines,
        memo: trimmed(&input.memo),
        footer: trimmed(&input.footer),
        custom_fields,
        metadata: input.metadata.clone(),
    })
}

/// Checks changes to the draft `detail`; answers them as the journal records them (a line
/// whose unit amount changes keeps its description, which names its new inline product).
pub(super) fn draft_changes(
    catalog: &dyn Catalog,
    detail: &InvoiceDetail,
    changes: &DraftChanges,
    now: i64,
) -> Result<DraftChanges> {
    if !detail.can_edit {
        return Err(invalid(format!(
            "You can only modify a draft invoice. Invoice {} is {}.",
            detail.id, detail.status
        )));
    }
    let nothing = changes.add_lines.is_empty()
        && changes.update_lines.is_empty()
        && changes.remove_line_ids.is_empty()
        && changes.collection_method.is_none()
        && changes.days_until_due.is_none()
        && changes.due_date.is_none()
        && changes.memo.is_none()
        && changes.footer.is_none()
        && changes.coupon_id.is_none();
    if nothing {
        return Err(invalid("There is nothing to change."));
    }
    let terms_changed =
        changes.collection_method.is_some() || changes.days_until_due.is_some() || changes.due_date.is_some();
    if terms_changed {
        let method = match changes.collection_method {
            Some(method) => method,
            None if detail.collection_method == "send_invoice" => CollectionMethod::SendInvoice,
            None => CollectionMethod::ChargeAutomatically,
        };
        check_terms(method, changes.days_until_due, changes.due_date, now)?;
    }
    let known = |id: &str| detail.lines.iter().find(|line| line.id == id);
    let mut named: Vec<&str> = changes.remove_line_ids.iter().map(String::as_str).collect();
    named.extend(changes.update_lines.iter().map(|change| change.line_id.as_str()));
    named.sort_unstable();
    if let Some(pair) = named.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(invalid(format!("Line {} is named twice in one change.", pair[0])));
    }
    for id in &changes.remove_line_ids {
        known(id).ok_or_else(|| invalid(format!("The invoice has no line {id}.")))?;
    }
    let mut update_lines = Vec::new();
    for change in &changes.update_lines {
        let line = known(&change.line_id).ok_or_else(|| invalid(format!("The invoice has no line {}.", change.line_id)))?;
        if change.quantity == Some(0) {
            return Err(invalid("Every line needs a quantity of at least 1."));
        }
        let description = trimmed(&change.description);
        if change.unit_amount.is_none() && change.quantity.is_none() && description.is_none() {
            return Err(invalid(format!("The change to line {} changes nothing.", change.line_id)));
        }
        if let Some(unit) = change.unit_amount {
            check_amount(unit, "A unit amount")?;
        }
        let unit = change.unit_amount.or(line.unit_amount).unwrap_or(0);
        let quantity = change.quantity.map_or(line.quantity.unwrap_or(1), |q| i64::try_from(q).unwrap_or(i64::MAX));
        check_amount(unit.checked_mul(quantity).unwrap_or(i64::MAX), "A line's amount")?;
        let description = match (description, change.unit_amount) {
            (None, Some(_)) => Some(line.description.clone().unwrap_or_else(|| "Invoice line".into())),
            (description, _) => description,
        };
        update_lines.push(super::LineChange { line_id: change.line_id.clone(), description, ..change.clone() });
    }
    let count = detail.lines.len() + changes.add_lines.len() - changes.remove_line_ids.len();
    if count > MAX_LINES {
        return Err(invalid(format!("Stripe allows at most {MAX_LINES} lines on an invoice.")));
    }
    if count == 0 {
        return Err(invalid("An invoice needs at least one line."));
    }
    let add_lines = changes
        .add_lines
        .iter()
        .enumerate()
        .map(|(index, line)| check_line(catalog, line, &detail.currency, detail.lines.len() + index + 1))
        .collect::<Result<Vec<_>>>()?;
    Ok(DraftChanges {
        add_lines,
        update_lines,
        remove_line_ids: changes.remove_line_ids.clone(),
        collection_method: changes.collection_method,
        days_until_due: changes.days_until_due,
        due_date: changes.due_date,
        memo: changes.memo.as_deref().map(|memo| memo.trim().to_string()),
        footer: changes.footer.as_deref().map(|footer| footer.trim().to_string()),
        coupon_id: changes.coupon_id.as_deref().map(|coupon| coupon.trim().to_string()),
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
