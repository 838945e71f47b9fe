// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p billfold bindings`.
// Do not edit by hand.

export type ErrorCode = "validation" | "not_found" | "conflict" | "stripe_auth" | "stripe_unreachable" | "stripe_rate_limited" | "stripe_card_error" | "stripe_error" | "keychain_unavailable" | "keychain_locked" | "store" | "store_newer_version" | "internal";

export type ErrorPayload = { 
/**
 * Stable code for the UI to branch on.
 */
code: ErrorCode, 
/**
 * A sentence a finance person can read.
 */
message: string, };

export type Mode = "test" | "live";

export type AccountView = { 
/**
 * Stable id.
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * URL-safe unique name.
 */
slug: string, 
/**
 * Default currency (lowercase ISO code).
 */
default_currency: string, 
/**
 * Test or live.
 */
mode: Mode, 
/**
 * API base URL.
 */
api_base: string, 
/**
 * Whether the API base is Stripe's own.
 */
uses_stripe_api: boolean, 
/**
 * The key, masked: `sk_test_…4f2a`.
 */
masked_key: string, 
/**
 * Whether a webhook signing secret is stored.
 */
has_webhook_secret: boolean, 
/**
 * Whether this is the account the app shows.
 */
is_active: boolean, 
/**
 * RFC 3339 creation time.
 */
created_at: string, };

export type NewAccount = { 
/**
 * Display name, e.g. "RustConf 2027".
 */
name: string, 
/**
 * Secret (`sk_…`) or restricted (`rk_…`) API key.
 */
secret_key: string, 
/**
 * ISO currency code used by default for new POs.
 */
default_currency: string, 
/**
 * API base URL; empty or absent means Stripe itself.
 */
api_base?: string, 
/**
 * Webhook signing secret (`whsec_…`) for the optional listener.
 */
webhook_secret?: string, };

export type SyncStatus = { 
/**
 * The account.
 */
account_id: string, 
/**
 * When a sync last started (RFC 3339), if ever.
 */
last_attempt_at: string | null, 
/**
 * When a sync last finished without error (RFC 3339), if ever.
 */
last_success_at: string | null, 
/**
 * The last error in plain words, if the last attempt failed.
 */
last_error: string | null, 
/**
 * How many objects the cache holds for this account.
 */
objects_synced: number, };

export type AppOverview = { 
/**
 * All accounts, by name.
 */
accounts: Array<AccountView>, 
/**
 * The active account's id, if any.
 */
active_account_id: string | null, 
/**
 * The active account's sync status, if any.
 */
active_sync_status: SyncStatus | null, };
