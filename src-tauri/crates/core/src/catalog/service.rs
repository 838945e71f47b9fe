//! The catalog on [`Billfold`]: the list from the cache, and the writes, each checked against
//! the input rules and the cache before it is recorded, then run as one journaled operation
//! whose answers land in the cache; each answers the product as the cache now holds it.

use serde::Serialize;
use serde_json::Value;

use super::{CatalogQuery, PriceInput, ProductInput, ProductRow};
use crate::error::{Error, Result};
use crate::journal::{self, AddPrice, CreateProduct, OperationKind, SetPriceActive, UpdateProduct};
use crate::service::Billfold;
use crate::store::cache::kinds::id_of;

/// Stripe's longest object id, in characters.
const MAX_ID_CHARS: usize = 255;

/// Refuses anything that cannot be a product or price id: it goes into a request path.
/// Products may have ids of their own choosing and old plans live on as prices under theirs,
/// so no prefix is required; the cache look-up that follows refuses unknown ones.
fn check_id(id: &str, what: &str) -> Result<()> {
    let plausible = !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plausible {
        Ok(())
    } else {
        Err(Error::Validation(format!("'{id}' is not a Stripe {what} id.")))
    }
}

fn is_active(object: &Value) -> bool {
    object["active"].as_bool().unwrap_or(false)
}

/// The product's default price, if it has one.
fn default_price(product: &Value) -> Option<&str> {
    id_of(&product["default_price"])
}

/// "already archived" or "already active", when `object` already is what was asked.
fn refuse_no_change(object: &Value, active: bool, what: &str, id: &str) -> Result<()> {
    if is_active(object) != active {
        return Ok(());
    }
    let state = if active { "active" } else { "archived" };
    Err(Error::Validation(format!("{what} {id} is already {state}.")))
}

impl Billfold {
    /// The catalog of `account_id` from the cache (no request): products sorted by name, each
    /// with its prices newest first, filtered by `query`.
    pub fn list_catalog(&self, account_id: &str, query: &CatalogQuery) -> Result<Vec<ProductRow>> {
        self.store().get_account(account_id)?;
        self.store().list_catalog(account_id, query)
    }

    /// One product of the catalog, from the cache.
    pub fn catalog_product(&self, account_id: &str, product_id: &str) -> Result<ProductRow> {
        check_id(product_id, "product")?;
        self.store().get_account(account_id)?;
        self.product_row(account_id, product_id)
    }

    /// Creates a product and, when given, its first price, which becomes the product's
    /// default price: one journaled operation.
    pub async fn create_product(&self, account_id: &str, input: ProductInput, price: Option<PriceInput>) -> Result<ProductRow> {
        input.validate()?;
        let price = match price {
            Some(price) => Some(price.form(&price.validate()?)),
            None => None,
        };
        self.store().get_account(account_id)?;
        let write = CreateProduct { product: input.form(None), price };
        self.write_catalog(account_id, OperationKind::CreateProduct, &write).await
    }

    /// Changes a cached product's name, description and metadata (metadata keys it has but
    /// `input` left out are removed).
    pub async fn update_product(&self, account_id: &str, product_id: &str, input: ProductInput) -> Result<ProductRow> {
        check_id(product_id, "product")?;
        input.validate()?;
        self.store().get_account(account_id)?;
        let existing = self.store().cached_product(account_id, product_id)?;
        let write = UpdateProduct { product_id: product_id.to_string(), form: input.form(Some(&existing)) };
        self.write_catalog(account_id, OperationKind::UpdateProduct, &write).await
    }

    /// Archives (`active == false`) or unarchives a cached product.
    pub async fn set_product_active(&self, account_id: &str, product_id: &str, active: bool) -> Result<ProductRow> {
        check_id(product_id, "product")?;
        self.store().get_account(account_id)?;
        let existing = self.store().cached_product(account_id, product_id)?;
        refuse_no_change(&existing, active, "Product", product_id)?;
        let form = vec![("active".to_string(), active.to_string())];
        let write = UpdateProduct { product_id: product_id.to_string(), form };
        self.write_catalog(account_id, OperationKind::SetProductActive, &write).await
    }

    /// Adds a price to a cached product.
    pub async fn add_price(&self, account_id: &str, product_id: &str, input: PriceInput) -> Result<ProductRow> {
        check_id(product_id, "product")?;
        let currency = input.validate()?;
        self.store().get_account(account_id)?;
        self.store().cached_product(account_id, product_id)?;
        let write =
            AddPrice { product_id: product_id.to_string(), form: input.form(&currency), replaces: None, make_default: false };
        self.write_catalog(account_id, OperationKind::AddPrice, &write).await
    }

    /// Replaces an active cached price: Stripe prices cannot change amount or interval, so a
    /// new price is created on the same product (made its default when the old one was), then
    /// the old one is archived.
    pub async fn replace_price(&self, account_id: &str, price_id: &str, input: PriceInput) -> Result<ProductRow> {
        check_id(price_id, "price")?;
        let currency = input.validate()?;
        self.store().get_account(account_id)?;
        let old = self.store().cached_price(account_id, price_id)?;
        if !is_active(&old) {
            return Err(Error::Validation(format!(
                "Price {price_id} is archived: add a new price instead of replacing it."
            )));
        }
        let (product_id, product) = self.product_of(account_id, &old, price_id)?;
        let write = AddPrice {
            make_default: default_price(&product) == Some(price_id),
            product_id,
            form: input.form(&currency),
            replaces: Some(price_id.to_string()),
        };
        self.write_catalog(account_id, OperationKind::ReplacePrice, &write).await
    }

    /// Archives (`active == false`) or unarchives a cached price. Archiving the product's
    /// default price clears the default first, as Stripe refuses to archive it otherwise.
    pub async fn set_price_active(&self, account_id: &str, price_id: &str, active: bool) -> Result<ProductRow> {
        check_id(price_id, "price")?;
        self.store().get_account(account_id)?;
        let price = self.store().cached_price(account_id, price_id)?;
        refuse_no_change(&price, active, "Price", price_id)?;
        let (product_id, product) = self.product_of(account_id, &price, price_id)?;
        let write = SetPriceActive {
            price_id: price_id.to_string(),
            clear_default: !active && default_price(&product) == Some(price_id),
            product_id,
            active,
        };
        self.write_catalog(account_id, OperationKind::SetPriceActive, &write).await
    }

    /// The cached product a cached price belongs to: its id and object.
    fn product_of(&self, account_id: &str, price: &Value, price_id: &str) -> Result<(String, Value)> {
        let product_id = id_of(&price["product"])
            .ok_or_else(|| Error::Store(format!("the cached price {price_id} names no product")))?;
        check_id(product_id, "product")?;
        let product = self.store().cached_product(account_id, product_id)?;
        Ok((product_id.to_string(), product))
    }

    fn product_row(&self, account_id: &str, product_id: &str) -> Result<ProductRow> {
        self.store()
            .catalog_products(account_id, Some(product_id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound(format!("There is no product {product_id} in this account.")))
    }

    /// Records `write` as a `kind` operation, runs it, tells the UI the catalog changed and
    /// answers the product it wrote, from the cache.
    async fn write_catalog(&self, account_id: &str, kind: OperationKind, write: &impl Serialize) -> Result<ProductRow> {
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(write).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, kind, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        // Even a failed run may have written part of the operation (the product of a create).
        self.written_to_stripe(account_id, ["products", "prices"]);
        let output = output?;
        let product_id = output["product_id"]
            .as_str()
            .ok_or_else(|| Error::Internal(format!("a {} operation gave no product id", kind.as_str())))?;
        self.product_row(account_id, product_id)
    }
}
