//! Checks on coupons before anything is recorded or sent: a new coupon's terms (Stripe's
//! limits), and whether a cached coupon can discount a given subscription or invoice.

use super::{percent_text, CouponRow, CouponValue, NewCouponInput};
use crate::error::{Error, Result};
use crate::money::{Currency, MAX_AMOUNT};

/// Stripe's limit on a coupon's name.
const MAX_NAME: usize = 40;
/// The longest `repeating` coupon offered.
const MAX_MONTHS: i64 = 36;

fn refuse<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::Validation(message.into()))
}

/// The form of `POST /v1/coupons` for a checked new coupon. `product_exists` tells whether a
/// product id is in the cache.
pub(super) fn new_coupon_form(
    input: &NewCouponInput,
    now: i64,
    product_exists: impl Fn(&str) -> Result<bool>,
) -> Result<Vec<(String, String)>> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return refuse(format!("A coupon needs a name of 1 to {MAX_NAME} characters; customers see it on invoices."));
    }
    let mut form = vec![("name".to_string(), name.to_string())];
    match &input.value {
        CouponValue::Percent { basis_points } if (1..=10_000).contains(basis_points) => {
            form.push(("percent_off".into(), percent_text(*basis_points)));
        }
        CouponValue::Percent { .. } => return refuse("A percentage off must be more than 0 % and at most 100 %."),
        CouponValue::Amount { amount, currency } => {
            let currency = Currency::parse(currency)?;
            if !(1..=MAX_AMOUNT).contains(amount) {
                return refuse("An amount off must be more than zero and at most 99,999,999 minor units.");
            }
            form.push(("amount_off".into(), amount.to_string()));
            form.push(("currency".into(), currency.code().to_string()));
        }
    }
    match (input.duration.as_str(), input.duration_in_months) {
        ("once" | "forever", None) => form.push(("duration".into(), input.duration.clone())),
        ("once" | "forever", Some(_)) => return refuse("Only a repeating coupon lasts a number of months."),
        ("repeating", Some(months)) if (1..=MAX_MONTHS).contains(&months) => {
            form.push(("duration".into(), "repeating".into()));
            form.push(("duration_in_months".into(), months.to_string()));
        }
        ("repeating", _) => return refuse(format!("A repeating coupon lasts 1 to {MAX_MONTHS} months.")),
        (other, _) => return refuse(format!("'{other}' is not a duration: use once, repeating or forever.")),
    }
    match input.max_redemptions {
        Some(count) if count < 1 => return refuse("The most redemptions must be at least 1."),
        Some(count) => form.push(("max_redemptions".into(), count.to_string())),
        None => {}
    }
    match input.redeem_by {
        Some(at) if at <= now => return refuse("The last day to redeem must be in the future."),
        Some(at) => form.push(("redeem_by".into(), at.to_string())),
        None => {}
    }
    for (index, product) in input.applies_to_products.iter().enumerate() {
        if !product_exists(product)? {
            return refuse(format!("There is no product {product} in this account's catalog."));
        }
        form.push((format!("applies_to[products][{index}]"), product.clone()));
    }
    Ok(form)
}

/// Whether `coupon` can discount something billed in `currency` with products `product_ids`,
/// as Stripe decides: still valid, an amount coupon in the same currency, and (when limited
/// to products) at least one of them present.
pub fn check_applies(coupon: &CouponRow, currency: &str, product_ids: &[String]) -> Result<()> {
    let name = coupon.name.as_deref().unwrap_or(&coupon.id);
    if !coupon.valid {
        return refuse(format!("The coupon {name} can no longer be redeemed (expired or used up)."));
    }
    if let (Some(_), Some(coupon_currency)) = (coupon.amount_off, &coupon.currency) {
        if !coupon_currency.eq_ignore_ascii_case(currency) {
            return refuse(format!(
                "The coupon {name} takes off an amount in {}, but this bills in {}.",
                coupon_currency.to_uppercase(),
                currency.to_uppercase()
            ));
        }
    }
    if !coupon.applies_to_products.is_empty()
        && !product_ids.iter().any(|product| coupon.applies_to_products.contains(product))
    {
        return refuse(format!("The coupon {name} applies only to other products."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: CouponValue, duration: &str, months: Option<i64>) -> NewCouponInput {
        NewCouponInput {
            name: "Early bird".into(),
            value,
            duration: duration.into(),
            duration_in_months: months,
            max_redemptions: None,
            redeem_by: None,
            applies_to_products: Vec::new(),
        }
    }

    fn any_product(_: &str) -> Result<bool> {
        Ok(true)
    }

    #[test]
    fn a_good_coupon_becomes_its_form() {
        let form = new_coupon_form(&input(CouponValue::Percent { basis_points: 2550 }, "repeating", Some(3)), 0, any_product)
            .unwrap();
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            vec![("name", "Early bird"), ("percent_off", "25.5"), ("duration", "repeating"), ("duration_in_months", "3")]
        );
        let amount = CouponValue::Amount { amount: 5000, currency: "EUR".into() };
        let form = new_coupon_form(&input(amount, "once", None), 0, any_product).unwrap();
        assert!(form.contains(&("currency".into(), "eur".into())));
    }

    #[test]
    fn bad_coupons_are_refused() {
        let percent = |bp| CouponValue::Percent { basis_points: bp };
        for bad in [
            input(percent(0), "once", None),
            input(percent(10_001), "once", None),
            input(CouponValue::Amount { amount: 0, currency: "usd".into() }, "once", None),
            input(CouponValue::Amount { amount: 100, currency: "xyz".into() }, "once", None),
            input(percent(100), "repeating", None),
            input(percent(100), "repeating", Some(40)),
            input(percent(100), "forever", Some(3)),
            input(percent(100), "weekly", None),
            NewCouponInput { name: " ".into(), ..input(percent(100), "once", None) },
            NewCouponInput { redeem_by: Some(10), ..input(percent(100), "once", None) },
            NewCouponInput { max_redemptions: Some(0), ..input(percent(100), "once", None) },
        ] {
            assert!(new_coupon_form(&bad, 100, any_product).is_err(), "{bad:?} was accepted");
        }
        let limited = NewCouponInput { applies_to_products: vec!["prod_gone".into()], ..input(percent(100), "once", None) };
        assert!(new_coupon_form(&limited, 100, |_| Ok(false)).is_err());
    }

    fn coupon(amount_off: Option<i64>, currency: Option<&str>, products: &[&str], valid: bool) -> CouponRow {
        CouponRow {
            id: "SPONSOR".into(),
            name: Some("Sponsor".into()),
            percent_off_bp: amount_off.is_none().then_some(1000),
            amount_off,
            currency: currency.map(str::to_string),
            duration: "once".into(),
            duration_in_months: None,
            valid,
            times_redeemed: 0,
            max_redemptions: None,
            redeem_by: None,
            applies_to_products: products.iter().map(|p| p.to_string()).collect(),
            created: 0,
        }
    }

    #[test]
    fn a_coupon_applies_only_where_stripe_would_take_it() {
        let on = |c: &CouponRow| check_applies(c, "eur", &["prod_a".to_string()]);
        assert!(on(&coupon(None, None, &[], true)).is_ok());
        assert!(on(&coupon(Some(500), Some("eur"), &["prod_a"], true)).is_ok());
        assert!(on(&coupon(None, None, &[], false)).is_err());
        assert!(on(&coupon(Some(500), Some("usd"), &[], true)).is_err());
        assert!(on(&coupon(None, None, &["prod_b"], true)).is_err());
    }
}
