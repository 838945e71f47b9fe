//! Catalog commands: the product list (from the cache) and the journaled product and price
//! writes, each answering the product as the cache now holds it; copying a catalog from
//! another account or a file (dry run, then apply) and exporting one.

use billfold_core::catalog::{
    CatalogQuery, CopyPlan, CopyResult, CopySource, FileFormat, PriceInput, ProductInput, ProductRow,
};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// The catalog from the cache (no request): products by name, prices newest first.
#[tauri::command(async)]
pub fn list_catalog(state: State<'_, AppState>, account_id: String, query: CatalogQuery) -> CommandResult<Vec<ProductRow>> {
    state.core()?.list_catalog(&account_id, &query).map_err(|err| err.payload())
}

/// Creates a product and, when given, its first (default) price, exactly once.
#[tauri::command]
pub async fn create_product(
    state: State<'_, AppState>,
    account_id: String,
    input: ProductInput,
    price: Option<PriceInput>,
) -> CommandResult<ProductRow> {
    state.core()?.create_product(&account_id, input, price).await.map_err(|err| err.payload())
}

/// Changes a product's name, description and metadata.
#[tauri::command]
pub async fn update_product(
    state: State<'_, AppState>,
    account_id: String,
    product_id: String,
    input: ProductInput,
) -> CommandResult<ProductRow> {
    state.core()?.update_product(&account_id, &product_id, input).await.map_err(|err| err.payload())
}

/// Archives (`active: false`) or unarchives a product.
#[tauri::command]
pub async fn set_product_active(
    state: State<'_, AppState>,
    account_id: String,
    product_id: String,
    active: bool,
) -> CommandResult<ProductRow> {
    state.core()?.set_product_active(&account_id, &product_id, active).await.map_err(|err| err.payload())
}

/// Adds a price to a product.
#[tauri::command]
pub async fn add_price(
    state: State<'_, AppState>,
    account_id: String,
    product_id: String,
    input: PriceInput,
) -> CommandResult<ProductRow> {
    state.core()?.add_price(&account_id, &product_id, input).await.map_err(|err| err.payload())
}

/// Replaces a price by a new one on the same product and archives the old one.
#[tauri::command]
pub async fn replace_price(
    state: State<'_, AppState>,
    account_id: String,
    price_id: String,
    input: PriceInput,
) -> CommandResult<ProductRow> {
    state.core()?.replace_price(&account_id, &price_id, input).await.map_err(|err| err.payload())
}

/// Archives (`active: false`) or unarchives a price.
#[tauri::command]
pub async fn set_price_active(
    state: State<'_, AppState>,
    account_id: String,
    price_id: String,
    active: bool,
) -> CommandResult<ProductRow> {
    state.core()?.set_price_active(&account_id, &price_id, active).await.map_err(|err| err.payload())
}

/// The dry run of copying `source` into the target's catalog (no request).
#[tauri::command(async)]
pub fn plan_catalog_copy(state: State<'_, AppState>, target_account_id: String, source: CopySource) -> CommandResult<CopyPlan> {
    state.core()?.plan_catalog_copy(&target_account_id, &source).map_err(|err| err.payload())
}

/// Applies the copy whose dry run had `expected_digest`, exactly once; `plan_changed` when
/// the catalogs moved since.
#[tauri::command]
pub async fn apply_catalog_copy(
    state: State<'_, AppState>,
    target_account_id: String,
    source: CopySource,
    expected_digest: String,
) -> CommandResult<CopyResult> {
    let core = state.core()?;
    core.apply_catalog_copy(&target_account_id, &source, &expected_digest).await.map_err(|err| err.payload())
}

/// The account's catalog as the text of a JSON or CSV file, for the window to save.
#[tauri::command(async)]
pub fn export_catalog(state: State<'_, AppState>, account_id: String, format: FileFormat) -> CommandResult<String> {
    state.core()?.export_catalog(&account_id, format).map_err(|err| err.payload())
}
