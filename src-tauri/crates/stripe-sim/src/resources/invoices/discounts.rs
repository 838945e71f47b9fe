//! What an invoice's discounts take off: each discount in `discounts`, in order, lowers the
//! discountable lines that remain after the ones before it. A percentage is taken of their
//! sum and rounded to the nearest minor unit; an amount off is capped at that sum. Either is
//! spread over the lines in proportion to their amounts (largest remainders get the odd
//! units), written as each line's `discount_amounts` and the invoice's
//! `total_discount_amounts`. Proration lines (`discountable: false`), credits and lines of
//! products a coupon does not apply to are not discounted.

use serde_json::{json, Value};

use crate::data::AccountData;
use crate::resources::coupons::{self, WHOLE};

/// Works out a draft invoice's discount amounts and returns their sum. A finalized invoice's
/// amounts are fixed, so later changes to its discounts or coupons never alter it.
pub fn apply(data: &AccountData, invoice: &mut Value) -> i64 {
    if invoice["status"] != "draft" {
        return invoice["total_discount_amounts"].as_array().into_iter().flatten().filter_map(|a| a["amount"].as_i64()).sum();
    }
    let currency = invoice["currency"].as_str().unwrap_or("usd").to_string();
    let ids: Vec<String> = invoice["discounts"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
    let Some(lines) = invoice["lines"]["data"].as_array_mut() else { return 0 };
    let mut remaining: Vec<i64> = lines
        .iter()
        .map(|line| if line["discountable"] == true { line["amount"].as_i64().unwrap_or(0).max(0) } else { 0 })
        .collect();
    let mut per_line: Vec<Vec<Value>> = vec![Vec::new(); lines.len()];
    let mut totals = Vec::new();
    for id in ids {
        let Some(coupon) = crate::resources::discounts::coupon_of(data, &id) else { continue };
        let applies = |line: &Value| match coupon["applies_to"]["products"].as_array() {
            None => true,
            Some(products) => products.iter().any(|product| *product == line["pricing"]["price_details"]["product"]),
        };
        let eligible: Vec<usize> = (0..lines.len()).filter(|&i| remaining[i] > 0 && applies(&lines[i])).collect();
        let base: i64 = eligible.iter().map(|&i| remaining[i]).sum();
        let amount = match (coupons::percent_hundredths(coupon), coupon["amount_off"].as_i64()) {
            (Some(hundredths), _) => round_share(base, hundredths, WHOLE),
            (None, Some(off)) if coupon["currency"] == currency.as_str() => off.min(base),
            _ => 0,
        };
        let shares = spread(amount, &eligible.iter().map(|&i| remaining[i]).collect::<Vec<_>>());
        for (&i, share) in eligible.iter().zip(shares) {
            remaining[i] -= share;
            per_line[i].push(json!({ "amount": share, "discount": id }));
        }
        totals.push(json!({ "amount": amount, "discount": id }));
    }
    for (line, amounts) in lines.iter_mut().zip(per_line) {
        line["discount_amounts"] = Value::Array(amounts);
    }
    let total = totals.iter().filter_map(|a| a["amount"].as_i64()).sum();
    invoice["total_discount_amounts"] = Value::Array(totals);
    total
}

/// `value × numerator ÷ denominator`, rounded to the nearest integer (halves up).
fn round_share(value: i64, numerator: i64, denominator: i64) -> i64 {
    let exact = i128::from(value) * i128::from(numerator);
    let denominator = i128::from(denominator);
    ((exact * 2 + denominator) / (denominator * 2)) as i64
}

/// Splits `amount` over `weights` (all positive, `amount` at most their sum) in proportion,
/// in whole units adding up to `amount`: each gets its share rounded down, and the units
/// left go to the largest remainders (the first line on a tie).
fn spread(amount: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum <= 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<i128> = weights.iter().map(|&w| i128::from(amount) * i128::from(w)).collect();
    let mut shares: Vec<i64> = exact.iter().map(|&e| (e / i128::from(sum)) as i64).collect();
    let left = amount - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % i128::from(sum)));
    for &i in order.iter().take(left.max(0) as usize) {
        shares[i] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_follow_the_weights() {
        assert_eq!(spread(100, &[1_000, 1_000, 1_000]), vec![34, 33, 33]);
        assert_eq!(spread(250, &[3_000, 1_000]), vec![188, 62]);
        assert_eq!(spread(0, &[500]), vec![0]);
        assert_eq!(spread(7, &[]), Vec::<i64>::new());
    }

    #[test]
    fn percentages_round_to_the_nearest_unit() {
        // 25.5% of 1999 = 509.745 → 510; 33.33% of 1500 = 499.95 → 500; halves go up.
        assert_eq!(round_share(1_999, 2_550, WHOLE), 510);
        assert_eq!(round_share(1_500, 3_333, WHOLE), 500);
        assert_eq!(round_share(1, 5_000, WHOLE), 1);
        assert_eq!(round_share(3_000, WHOLE, WHOLE), 3_000);
    }
}
