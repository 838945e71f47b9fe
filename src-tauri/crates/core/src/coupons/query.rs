//! Coupons and discounts read from the cache; no request is made here.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{basis_points, AppliedDiscount, CouponRow};
use crate::error::{Error, Result};
use crate::store::cache::kinds::id_of;
use crate::store::Store;

/// A cached coupon's JSON as its row.
fn coupon_row(raw: &str) -> Result<CouponRow> {
    let coupon: Value =
        serde_json::from_str(raw).map_err(|err| Error::Store(format!("a cached coupon is not JSON: {err}")))?;
    let text = |field: &str| coupon[field].as_str().map(str::to_string);
    Ok(CouponRow {
        id: text("id").unwrap_or_default(),
        name: text("name"),
        percent_off_bp: basis_points(&coupon["percent_off"]),
        amount_off: coupon["amount_off"].as_i64(),
        currency: text("currency"),
        duration: text("duration").unwrap_or_default(),
        duration_in_months: coupon["duration_in_months"].as_i64(),
        valid: coupon["valid"] != false,
        times_redeemed: coupon["times_redeemed"].as_i64().unwrap_or(0),
        max_redemptions: coupon["max_redemptions"].as_i64(),
        redeem_by: coupon["redeem_by"].as_i64(),
        applies_to_products: coupon["applies_to"]["products"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|product| product.as_str().map(str::to_string))
            .collect(),
        created: coupon["created"].as_i64().unwrap_or(0),
    })
}

fn find_coupon(conn: &Connection, account_id: &str, coupon_id: &str) -> Result<Option<CouponRow>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT raw FROM cache_coupons WHERE account_id = ?1 AND id = ?2 AND deleted = 0")?
        .query_row(params![account_id, coupon_id], |row| row.get(0))
        .optional()?;
    raw.as_deref().map(coupon_row).transpose()
}

impl Store {
    /// The account's cached coupons: valid ones first, then newest first.
    pub fn coupons(&self, account_id: &str) -> Result<Vec<CouponRow>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT raw FROM cache_coupons WHERE account_id = ?1 AND deleted = 0
             ORDER BY coalesce(valid, 1) DESC, created DESC, id",
        )?;
        let raws = statement
            .query_map(params![account_id], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.iter().map(|raw| coupon_row(raw)).collect()
    }

    /// One cached coupon, if it is cached.
    pub fn coupon(&self, account_id: &str, coupon_id: &str) -> Result<Option<CouponRow>> {
        let conn = self.read_conn()?;
        find_coupon(&conn, account_id, coupon_id)
    }
}

/// The discounts `references` names (a subscription's `discounts`: ids or expanded objects),
/// each with its coupon from the cache. A discount not cached yet still shows by id.
pub(crate) fn applied_discounts(conn: &Connection, account_id: &str, references: &Value) -> Result<Vec<AppliedDiscount>> {
    let mut out = Vec::new();
    for reference in references.as_array().into_iter().flatten() {
        let Some(id) = id_of(reference) else { continue };
        let cached: Option<String> = conn
            .prepare_cached("SELECT raw FROM cache_discounts WHERE account_id = ?1 AND id = ?2 AND deleted = 0")?
            .query_row(params![account_id, id], |row| row.get(0))
            .optional()?;
        let discount: Value = match (cached, reference.is_object()) {
            (Some(raw), _) => serde_json::from_str(&raw)
                .map_err(|err| Error::Store(format!("a cached discount is not JSON: {err}")))?,
            (None, true) => reference.clone(),
            (None, false) => Value::Null,
        };
        let coupon_id = id_of(&discount["source"]["coupon"]).or_else(|| id_of(&discount["coupon"])).map(str::to_string);
        let coupon = match &coupon_id {
            Some(coupon_id) => find_coupon(conn, account_id, coupon_id)?,
            None => None,
        };
        out.push(AppliedDiscount {
            id: id.to_string(),
            coupon_id,
            coupon,
            starts_at: discount["start"].as_i64(),
            ends_at: discount["end"].as_i64(),
        });
    }
    Ok(out)
}

impl Store {
    /// The cached coupon `coupon_id`, checked to apply to something billed in `currency` with
    /// these prices (see [`super::check_applies`]); a clear refusal otherwise.
    pub fn coupon_for(&self, account_id: &str, coupon_id: &str, currency: &str, price_ids: &[&str]) -> Result<CouponRow> {
        let conn = self.read_conn()?;
        let coupon = find_coupon(&conn, account_id, coupon_id)?.ok_or_else(|| {
            Error::Validation(format!("There is no coupon {coupon_id} in this account (sync it first if it is new)."))
        })?;
        let mut products = Vec::with_capacity(price_ids.len());
        for price_id in price_ids {
            let product: Option<String> = conn
                .prepare_cached("SELECT product_id FROM cache_prices WHERE account_id = ?1 AND id = ?2")?
                .query_row(params![account_id, price_id], |row| row.get(0))
                .optional()?
                .flatten();
            products.extend(product);
        }
        super::check_applies(&coupon, currency, &products)?;
        Ok(coupon)
    }
}
