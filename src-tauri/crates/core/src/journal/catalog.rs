//! The catalog operations: create a product (and its first price, made its default), edit or
//! archive a product, add a price, replace a price (Stripe prices are immutable: a new price
//! on the same product, made the default when the old one was, then the old one archived) and
//! archive or unarchive a price. Every answer is applied to the cache as it arrives; created
//! objects carry `metadata[operation_id]`. Each operation answers `{product_id}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::{pairs, text};
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::store::cache::kinds;
use crate::store::FetchedChildren;

/// A form as sent, in order.
type Form = Vec<(String, String)>;

/// Input of `create_product`, as recorded (already validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateProduct {
    /// The form of `POST /v1/products`.
    pub product: Form,
    /// The form of its first price, without `product`; made the product's default price.
    pub price: Option<Form>,
}

/// Input of `update_product` and `set_product_active`: one `POST /v1/products/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProduct {
    /// The product changed.
    pub product_id: String,
    /// The form sent.
    pub form: Form,
}

/// Input of `add_price` and `replace_price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddPrice {
    /// The product the new price belongs to.
    pub product_id: String,
    /// The form of `POST /v1/prices`, without `product`.
    pub form: Form,
    /// The price replaced (archived once the new one exists); `None` for a plain add.
    pub replaces: Option<String>,
    /// Whether the new price becomes the product's default (the replaced one was).
    pub make_default: bool,
}

/// Input of `set_price_active`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPriceActive {
    /// The price archived or unarchived.
    pub price_id: String,
    /// Its product.
    pub product_id: String,
    /// `false` archives.
    pub active: bool,
    /// Whether the product's default price (this one) is cleared first: Stripe refuses to
    /// archive a product's default price.
    pub clear_default: bool,
}

fn read<T: for<'de> Deserialize<'de>>(kind: OperationKind, input: Value) -> Result<T> {
    serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a {} operation has unreadable input: {err}", kind.as_str())))
}

/// Applies `object` as Stripe answered it to the cache, inside the operation, so a resume
/// (from saved answers, no requests) applies it again and changes nothing more.
pub(super) fn apply(run: &OperationRun, resource: &str, object: &Value) -> Result<()> {
    let kind = kinds::by_resource(resource).ok_or_else(|| Error::Internal(format!("{resource} are not cached")))?;
    run.store.cache_write(&run.operation.account_id, |tx| {
        let version = tx.newest_version()?;
        tx.upsert(kind, object, version, false, &FetchedChildren::new())
    })?;
    Ok(())
}

/// One `POST` as a step, its answer applied to the cache as `resource`.
pub(super) async fn post(run: &mut OperationRun, name: &str, path: String, form: Form, resource: &str) -> Result<Value> {
    let gateway = run.gateway().clone();
    let answer = run.step(name, |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await?;
    apply(run, resource, &answer)?;
    Ok(answer)
}

/// Creates a price on `product_id`; answers its id.
async fn create_price(run: &mut OperationRun, product_id: &str, price: Form) -> Result<String> {
    let mut form = pairs(&[("product", product_id)]);
    form.extend(price);
    // A second desktop (or a late look-up) can tell which operation made the price.
    form.push(("metadata[operation_id]".into(), run.id().to_string()));
    let price = post(run, "create price", "/v1/prices".into(), form, "prices").await?;
    text(&price, "id")
}

/// Sets (or, with `""`, clears) the product's default price.
async fn set_default(run: &mut OperationRun, product_id: &str, price_id: &str) -> Result<()> {
    let path = format!("/v1/products/{product_id}");
    post(run, "set default price", path, pairs(&[("default_price", price_id)]), "products").await?;
    Ok(())
}

fn done(product_id: &str) -> Value {
    serde_json::json!({ "product_id": product_id })
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    match kind {
        OperationKind::CreateProduct => {
            let input: CreateProduct = read(kind, input)?;
            let mut form = input.product;
            form.push(("metadata[operation_id]".into(), run.id().to_string()));
            let product = post(run, "create product", "/v1/products".into(), form, "products").await?;
            let product_id = text(&product, "id")?;
            if let Some(price) = input.price {
                let price_id = create_price(run, &product_id, price).await?;
                set_default(run, &product_id, &price_id).await?;
            }
            Ok(done(&product_id))
        }
        OperationKind::UpdateProduct | OperationKind::SetProductActive => {
            let input: UpdateProduct = read(kind, input)?;
            let path = format!("/v1/products/{}", input.product_id);
            post(run, kind.as_str(), path, input.form, "products").await?;
            Ok(done(&input.product_id))
        }
        OperationKind::AddPrice | OperationKind::ReplacePrice => {
            let input: AddPrice = read(kind, input)?;
            let price_id = create_price(run, &input.product_id, input.form).await?;
            if input.make_default {
                set_default(run, &input.product_id, &price_id).await?;
            }
            if let Some(old) = input.replaces {
                let path = format!("/v1/prices/{old}");
                post(run, "archive replaced price", path, pairs(&[("active", "false")]), "prices").await?;
            }
            Ok(done(&input.product_id))
        }
        OperationKind::SetPriceActive => {
            let input: SetPriceActive = read(kind, input)?;
            if input.clear_default {
                set_default(run, &input.product_id, "").await?;
            }
            let path = format!("/v1/prices/{}", input.price_id);
            let active = if input.active { "true" } else { "false" };
            post(run, "set price active", path, pairs(&[("active", active)]), "prices").await?;
            Ok(done(&input.product_id))
        }
        _ => Err(Error::Internal(format!("{} is not a catalog operation", kind.as_str()))),
    }
}
