//! The catalog read from the cache: products by name with their prices newest first, and the
//! cached objects the writes check their input against.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::input::CREDITS_KEY;
use super::{CatalogQuery, PriceRow, ProductRow};
use crate::error::{Error, Result};
use crate::store::cache::kinds::id_of;
use crate::store::Store;

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn parse(raw: &str, what: &str) -> Result<Value> {
    serde_json::from_str(raw).map_err(|err| Error::Store(format!("a cached {what} is not valid JSON: {err}")))
}

/// A cached price as the catalog shows it.
fn price_row(price: &Value) -> PriceRow {
    let recurring = &price["recurring"];
    PriceRow {
        id: text(&price["id"]).unwrap_or_default(),
        product_id: id_of(&price["product"]).unwrap_or_default().to_string(),
        currency: text(&price["currency"]).unwrap_or_default(),
        unit_amount: price["unit_amount"].as_i64(),
        recurring_interval: text(&recurring["interval"]),
        recurring_interval_count: recurring["interval_count"].as_i64(),
        tax_behavior: text(&price["tax_behavior"]),
        nickname: text(&price["nickname"]),
        active: price["active"].as_bool().unwrap_or(false),
        created: price["created"].as_i64().unwrap_or(0),
    }
}

/// A cached product with its prices (already newest first) as the catalog shows it.
fn product_row(product: &Value, prices: Vec<PriceRow>) -> ProductRow {
    let metadata: BTreeMap<String, String> = product["metadata"]
        .as_object()
        .map(|map| map.iter().filter_map(|(key, value)| Some((key.clone(), text(value)?))).collect())
        .unwrap_or_default();
    // Anything but an integer is someone else's note, not a credit pack.
    let credits = metadata.get(CREDITS_KEY).and_then(|credits| credits.trim().parse::<i64>().ok());
    ProductRow {
        id: text(&product["id"]).unwrap_or_default(),
        name: text(&product["name"]).unwrap_or_default(),
        description: text(&product["description"]),
        active: product["active"].as_bool().unwrap_or(false),
        credits,
        metadata,
        created: product["created"].as_i64().unwrap_or(0),
        updated: product["updated"].as_i64().unwrap_or(0),
        prices,
    }
}

/// Whether `row` has `needle` (lowercase) in its name, description or id, or in one of its
/// prices' ids or nicknames.
fn matches(row: &ProductRow, needle: &str) -> bool {
    let has = |text: &str| text.to_lowercase().contains(needle);
    has(&row.name)
        || has(&row.id)
        || row.description.as_deref().is_some_and(has)
        || row.prices.iter().any(|price| has(&price.id) || price.nickname.as_deref().is_some_and(has))
}

impl Store {
    /// The cached products of `account_id` (only `product_id` when given) by name, each with
    /// its prices newest first (prices of one second by when the cache first got them, since
    /// ids do not sort by age). Two plain queries and no paging: the catalog of one conference
    /// is a few dozen products, so it is read whole and filtered in memory rather than
    /// through the list engine.
    pub(crate) fn catalog_products(&self, account_id: &str, product_id: Option<&str>) -> Result<Vec<ProductRow>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT raw FROM cache_prices WHERE account_id = ?1 AND deleted = 0 AND (?2 IS NULL OR product_id = ?2)
             ORDER BY ifnull(created, 0) DESC, rowid DESC",
        )?;
        let raws = statement.query_map(params![account_id, product_id], |row| row.get::<_, String>(0))?;
        let mut prices: BTreeMap<String, Vec<PriceRow>> = BTreeMap::new();
        for raw in raws {
            let price = price_row(&parse(&raw?, "price")?);
            prices.entry(price.product_id.clone()).or_default().push(price);
        }
        let mut statement = conn.prepare_cached(
            "SELECT raw FROM cache_products WHERE account_id = ?1 AND deleted = 0 AND (?2 IS NULL OR id = ?2)
             ORDER BY lower(ifnull(name, '')), id",
        )?;
        let raws = statement.query_map(params![account_id, product_id], |row| row.get::<_, String>(0))?;
        let mut rows = Vec::new();
        for raw in raws {
            let product = parse(&raw?, "product")?;
            let own = id_of(&product["id"]).and_then(|id| prices.remove(id)).unwrap_or_default();
            rows.push(product_row(&product, own));
        }
        Ok(rows)
    }

    /// The catalog `query` asks for.
    pub(crate) fn list_catalog(&self, account_id: &str, query: &CatalogQuery) -> Result<Vec<ProductRow>> {
        let needle = query.search.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(str::to_lowercase);
        let mut rows = self.catalog_products(account_id, None)?;
        rows.retain(|row| {
            query.active.is_none_or(|active| row.active == active) && needle.as_deref().is_none_or(|needle| matches(row, needle))
        });
        Ok(rows)
    }

    /// One cached product as Stripe sent it; a clear refusal when the cache does not have it.
    pub(crate) fn cached_product(&self, account_id: &str, product_id: &str) -> Result<Value> {
        self.cached_catalog_object(account_id, "cache_products", product_id, "product")
    }

    /// One cached price as Stripe sent it; a clear refusal when the cache does not have it.
    pub(crate) fn cached_price(&self, account_id: &str, price_id: &str) -> Result<Value> {
        self.cached_catalog_object(account_id, "cache_prices", price_id, "price")
    }

    fn cached_catalog_object(&self, account_id: &str, table: &str, id: &str, what: &str) -> Result<Value> {
        let conn = self.read_conn()?;
        let raw: Option<String> = conn
            .query_row(
                &format!("SELECT raw FROM {table} WHERE account_id = ?1 AND id = ?2 AND deleted = 0"),
                params![account_id, id],
                |row| row.get(0),
            )
            .optional()?;
        let raw = raw.ok_or_else(|| {
            Error::Validation(format!("There is no {what} {id} in this account (sync it first if it is new)."))
        })?;
        parse(&raw, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credits_are_read_only_from_an_integer() {
        let product = |credits: &str| json!({"id": "prod_1", "name": "Pack", "active": true, "metadata": {"credits": credits}});
        assert_eq!(product_row(&product("5000"), Vec::new()).credits, Some(5000));
        assert_eq!(product_row(&product("50.00"), Vec::new()).credits, None);
        assert_eq!(product_row(&product("many"), Vec::new()).credits, None);
        let plain = json!({"id": "prod_2", "name": "Pass", "active": false, "metadata": {}});
        let row = product_row(&plain, Vec::new());
        assert_eq!((row.credits, row.active), (None, false));
    }

    #[test]
    fn a_price_row_reads_its_interval() {
        let price = json!({
            "id": "price_1", "product": "prod_1", "currency": "eur", "unit_amount": 1200, "active": true,
            "recurring": {"interval": "month", "interval_count": 3}, "tax_behavior": "inclusive",
            "nickname": null, "created": 7,
        });
        let row = price_row(&price);
        assert_eq!(row.recurring_interval.as_deref(), Some("month"));
        assert_eq!(row.recurring_interval_count, Some(3));
        assert_eq!((row.product_id.as_str(), row.unit_amount, row.active), ("prod_1", Some(1200), true));
        let one_off = price_row(&json!({"id": "price_2", "product": {"id": "prod_1"}, "recurring": null}));
        assert_eq!((one_off.recurring_interval, one_off.product_id.as_str()), (None, "prod_1"));
    }

    #[test]
    fn search_finds_names_ids_and_price_nicknames() {
        let mut row = product_row(&json!({"id": "prod_AB", "name": "Workshop", "description": "Hands-on"}), Vec::new());
        row.prices.push(price_row(&json!({"id": "price_XY", "nickname": "Student"})));
        for needle in ["workshop", "prod_ab", "hands", "price_xy", "student"] {
            assert!(matches(&row, needle), "{needle}");
        }
        assert!(!matches(&row, "keynote"));
    }
}
