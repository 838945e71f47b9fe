// Typed calls for the catalog: products and their prices. Listing answers from the cache; every
// change goes through the journal on the Rust side, a catalog copy too. Errors arrive as {code, message}.
import { call } from './api';
import type {
  CatalogQuery,
  CopyPlan,
  CopyResult,
  CopySource,
  FileFormat,
  PriceInput,
  ProductInput,
  ProductRow,
} from './bindings';

export const catalogApi = {
  /** Cached products sorted by name, each with its prices newest first. */
  list_catalog: (accountId: string, query: CatalogQuery) => call<ProductRow[]>('list_catalog', { accountId, query }),
  /** Creates the product in Stripe, then its first price when one is given. */
  create_product: (accountId: string, input: ProductInput, price: PriceInput | null) =>
    call<ProductRow>('create_product', { accountId, input, price }),
  /** Replaces the product's name, description and metadata. */
  update_product: (accountId: string, productId: string, input: ProductInput) =>
    call<ProductRow>('update_product', { accountId, productId, input }),
  /** Archives (`false`) or unarchives (`true`) a product. */
  set_product_active: (accountId: string, productId: string, active: boolean) =>
    call<ProductRow>('set_product_active', { accountId, productId, active }),
  add_price: (accountId: string, productId: string, input: PriceInput) =>
    call<ProductRow>('add_price', { accountId, productId, input }),
  /** Stripe prices cannot change: creates the new price on the same product, then archives the old one. */
  replace_price: (accountId: string, priceId: string, input: PriceInput) =>
    call<ProductRow>('replace_price', { accountId, priceId, input }),
  /** Archives (`false`) or unarchives (`true`) a price. */
  set_price_active: (accountId: string, priceId: string, active: boolean) =>
    call<ProductRow>('set_price_active', { accountId, priceId, active }),
  /** The dry run of copying another account's catalog or a file into the target (no request). */
  plan_catalog_copy: (targetAccountId: string, source: CopySource) =>
    call<CopyPlan>('plan_catalog_copy', { targetAccountId, source }),
  /** Applies the dry run with `expectedDigest` exactly once; `plan_changed` when the catalogs moved since. */
  apply_catalog_copy: (targetAccountId: string, source: CopySource, expectedDigest: string) =>
    call<CopyResult>('apply_catalog_copy', { targetAccountId, source, expectedDigest }),
  /** The account's cached catalog as the text of a JSON or CSV file. */
  export_catalog: (accountId: string, format: FileFormat) => call<string>('export_catalog', { accountId, format }),
};
