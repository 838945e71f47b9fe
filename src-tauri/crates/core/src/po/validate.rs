//! Checking a PO as entered: every refusal has a sentence saying what to fix, and nothing is
//! saved when any check fails. Amounts are parsed with the currency's exponent.

use super::{PoInput, PoLine};
use crate::error::{Error, Result};
use crate::money::{format_amount, parse_amount, Currency, MAX_AMOUNT};

/// Most lines Stripe takes on one invoice.
pub const MAX_LINES: usize = 250;
/// Default payment terms.
pub const DEFAULT_TERMS_DAYS: i64 = 30;

/// A PO that passed every check, amounts in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPo {
    pub po_number: String,
    pub organization: String,
    pub contact_name: String,
    pub contact_email: String,
    pub billing_address: Option<String>,
    pub currency: Currency,
    pub payment_terms_days: i64,
    pub notes: Option<String>,
    pub lines: Vec<PoLine>,
    pub total: i64,
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::Validation(message.into()))
}

fn required(value: &str, what: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return invalid(format!("The {what} is required."));
    }
    if value.chars().count() > max {
        return invalid(format!("The {what} can be at most {max} characters."));
    }
    Ok(value.to_string())
}

fn optional(value: Option<&str>, what: &str, max: usize) -> Result<Option<String>> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) if value.chars().count() > max => {
            invalid(format!("The {what} can be at most {max} characters."))
        }
        Some(value) => Ok(Some(value.to_string())),
    }
}

/// A plain check: one `@`, something before it, a dotted domain after it, no spaces.
pub fn email(value: &str) -> Result<String> {
    let value = value.trim();
    let bad = || invalid(format!("'{value}' is not a valid email address."));
    let Some((local, domain)) = value.split_once('@') else {
        return bad();
    };
    let labels_ok =
        domain.split('.').count() >= 2 && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty()
        || domain.contains('@')
        || !labels_ok
        || value.chars().any(char::is_whitespace)
        || value.len() > 254
    {
        return bad();
    }
    Ok(value.to_string())
}

/// Checks a PO and prices its lines; `default_currency` fills a missing currency.
pub fn validate(input: &PoInput, default_currency: &Currency) -> Result<ValidPo> {
    let po_number = required(&input.po_number, "PO number", 100)?;
    let organization = required(&input.organization, "organization", 200)?;
    let contact_name = required(&input.contact_name, "contact name", 200)?;
    let contact_email = email(&input.contact_email)?;
    let currency = match input
        .currency
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
    {
        Some(code) => Currency::parse(code)?,
        None => default_currency.clone(),
    };
    let payment_terms_days = input.payment_terms_days.unwrap_or(DEFAULT_TERMS_DAYS);
    if !(0..=3650).contains(&payment_terms_days) {
        return invalid("Payment terms must be between 0 and 3650 days.");
    }
    if input.lines.is_empty() {
        return invalid("A purchase order needs at least one line.");
    }
    if input.lines.len() > MAX_LINES {
        return invalid(format!(
            "Stripe allows at most {MAX_LINES} lines on an invoice."
        ));
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    let mut total: i64 = 0;
    let code = currency.code().to_ascii_uppercase();
    let limit = format!("{} {code}", format_amount(MAX_AMOUNT, &currency));
    for (index, line) in input.lines.iter().enumerate() {
        let n = index + 1;
        let at_line = |err: Error| Error::Validation(format!("Line {n}: {err}"));
        let description = required(&line.description, "description", 500).map_err(at_line)?;
        if line.quantity <= 0 {
            return invalid(format!("Line {n}: the quantity must be more than 0."));
        }
        let unit_amount = parse_amount(&line.unit_price, &currency).map_err(at_line)?;
        let amount = match line.quantity.checked_mul(unit_amount) {
            Some(amount) if amount <= MAX_AMOUNT => amount,
            _ => {
                return invalid(format!(
                    "Line {n}: the line amount is over Stripe's limit of {limit}."
                ))
            }
        };
        total += amount;
        lines.push(PoLine {
            position: n as i64,
            description,
            quantity: line.quantity,
            unit_amount,
            amount,
        });
    }
    if total <= 0 {
        return invalid("The total must be more than zero.");
    }
    if total > MAX_AMOUNT {
        return invalid(format!(
            "The total is over Stripe's limit of {limit} for one invoice."
        ));
    }
    Ok(ValidPo {
        po_number,
        organization,
        contact_name,
        contact_email,
        billing_address: optional(input.billing_address.as_deref(), "billing address", 1000)?,
        currency,
        payment_terms_days,
        notes: optional(input.notes.as_deref(), "notes", 5000)?,
        lines,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::po::PoLineInput;

    fn input() -> PoInput {
        PoInput {
            po_number: " PO-1 ".into(),
            organization: "Acme GmbH".into(),
            contact_name: "Ada".into(),
            contact_email: "ap@acme.test".into(),
            billing_address: Some("  ".into()),
            currency: None,
            payment_terms_days: None,
            notes: None,
            lines: vec![
                PoLineInput {
                    description: "Tickets".into(),
                    quantity: 3,
                    unit_price: "1,250.00".into(),
                },
                PoLineInput {
                    description: "Booth".into(),
                    quantity: 1,
                    unit_price: "500".into(),
                },
            ],
        }
    }

    fn refused(input: PoInput, words: &str) {
        let err = validate(&input, &Currency::parse("eur").unwrap()).unwrap_err();
        assert!(err.to_string().contains(words), "{err} lacks {words:?}");
    }

    #[test]
    fn a_good_po_is_priced_in_minor_units_with_defaults() {
        let po = validate(&input(), &Currency::parse("eur").unwrap()).unwrap();
        assert_eq!(po.po_number, "PO-1");
        assert_eq!(po.currency.code(), "eur");
        assert_eq!(po.payment_terms_days, 30);
        assert_eq!(po.billing_address, None);
        assert_eq!(po.lines[0].amount, 375_000);
        assert_eq!(po.total, 425_000);
        let jpy = validate(
            &PoInput {
                currency: Some("JPY".into()),
                lines: vec![PoLineInput {
                    description: "x".into(),
                    quantity: 2,
                    unit_price: "1,500".into(),
                }],
                ..input()
            },
            &Currency::parse("eur").unwrap(),
        )
        .unwrap();
        assert_eq!(jpy.total, 3000);
    }

    #[test]
    fn every_refusal_of_the_issue_says_what_is_wrong() {
        refused(
            PoInput {
                lines: vec![],
                ..input()
            },
            "at least one line",
        );
        let zero = vec![PoLineInput {
            description: "Free".into(),
            quantity: 1,
            unit_price: "0".into(),
        }];
        refused(
            PoInput {
                lines: zero,
                ..input()
            },
            "more than zero",
        );
        let mut lines = input().lines;
        lines[1].quantity = 0;
        refused(
            PoInput {
                lines: lines.clone(),
                ..input()
            },
            "Line 2: the quantity",
        );
        lines[1].quantity = -1;
        refused(PoInput { lines, ..input() }, "Line 2: the quantity");
        refused(
            PoInput {
                contact_email: "ap@acme".into(),
                ..input()
            },
            "not a valid email",
        );
        refused(
            PoInput {
                contact_email: "a p@acme.test".into(),
                ..input()
            },
            "not a valid email",
        );
        refused(
            PoInput {
                currency: Some("xyz".into()),
                ..input()
            },
            "'xyz' is not a currency",
        );
        let mut lines = input().lines;
        lines[0].unit_price = "12.345".into();
        refused(
            PoInput {
                lines: lines.clone(),
                ..input()
            },
            "Line 1: '12.345' is not an amount: EUR has at most 2 decimals",
        );
        lines[0].unit_price = "1,000,000.00".into();
        refused(
            PoInput {
                lines: lines.clone(),
                ..input()
            },
            "Line 1:",
        );
        lines[0].unit_price = "400,000.00".into();
        refused(
            PoInput {
                lines: lines.clone(),
                ..input()
            },
            "over Stripe's limit of 999,999.99 EUR",
        );
        refused(
            PoInput {
                po_number: "  ".into(),
                ..input()
            },
            "PO number is required",
        );
    }
}
