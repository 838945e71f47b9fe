// The catalog's shapes as they cross IPC, written the way the generated bindings will render
// them (snake_case fields, `T | null` for options), so that they can be swapped for imports of
// the generated types without touching the views.

/** One Stripe price of a product, from the cache. */
export type PriceRow = {
/**
 * Stripe's price id.
 */
id: string, 
/**
 * The product it belongs to.
 */
product_id: string, 
/**
 * Lowercase ISO code.
 */
currency: string, 
/**
 * Minor units; none for prices Billfold does not model (tiered, custom).
 */
unit_amount: number | null, 
/**
 * `day`, `week`, `month` or `year`; none for a one-off price.
 */
recurring_interval: string | null, 
/**
 * How many intervals between renewals.
 */
recurring_interval_count: number | null, 
/**
 * `inclusive`, `exclusive` or `unspecified`.
 */
tax_behavior: string | null, 
/**
 * The internal name people gave it.
 */
nickname: string | null, 
/**
 * Whether new invoices and subscriptions may use it.
 */
active: boolean, 
/**
 * When Stripe created it (Unix seconds).
 */
created: number, };

/** One product with its prices, from the cache. */
export type ProductRow = {
/**
 * Stripe's product id.
 */
id: string, 
/**
 * The name customers see.
 */
name: string, 
/**
 * The description, if any.
 */
description: string | null, 
/**
 * Whether it is offered (not archived).
 */
active: boolean, 
/**
 * `metadata.credits`, minor units of the price's currency, when a credit pack.
 */
credits: number | null, 
/**
 * Stripe metadata.
 */
metadata: { [key in string]: string }, 
/**
 * When Stripe created it (Unix seconds).
 */
created: number, 
/**
 * When it last changed (Unix seconds).
 */
updated: number, 
/**
 * Its prices, newest first.
 */
prices: Array<PriceRow>, };

/** Which products `list_catalog` returns. */
export type CatalogQuery = { 
/**
 * None: all; true: active only; false: archived only.
 */
active: boolean | null, 
/**
 * Text searched in product names.
 */
search: string | null, };

/** A product's fields as the editor sends them. */
export type ProductInput = { 
/**
 * The name customers see.
 */
name: string, 
/**
 * The description, if any.
 */
description: string | null, 
/**
 * Stripe metadata, replacing the product's.
 */
metadata: { [key in string]: string }, };

/** How often a recurring price renews. */
export type RecurringInput = { 
/**
 * `day`, `week`, `month` or `year`.
 */
interval: string, 
/**
 * How many intervals between renewals (at most a year in total).
 */
interval_count: number, };

/** A new price as the price form sends it. */
export type PriceInput = { 
/**
 * Lowercase ISO code.
 */
currency: string, 
/**
 * Minor units.
 */
unit_amount: number, 
/**
 * None for a one-off price.
 */
recurring: RecurringInput | null, 
/**
 * `inclusive`, `exclusive` or `unspecified`; none leaves Stripe's default.
 */
tax_behavior: string | null, 
/**
 * The internal name, if any.
 */
nickname: string | null, };
