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

export type SyncState = "idle" | "syncing" | "backfilling" | "offline" | "failing";

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
objects_synced: number, 
/**
 * What the account's sync is doing now.
 */
state: SyncState, 
/**
 * Seconds between background polls.
 */
poll_interval_secs: number, 
/**
 * When the next background poll is due (RFC 3339), if one is scheduled.
 */
next_poll_at: string | null, };

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

export type SyncPhase = "backfill" | "incremental";

export type SyncProgress = { 
/**
 * The account being synced.
 */
account_id: string, 
/**
 * Full download or catching up on events.
 */
phase: SyncPhase, 
/**
 * The resource being downloaded, e.g. "customers".
 */
resource: string, 
/**
 * Objects done so far in this phase.
 */
done: number, 
/**
 * How many there are in all, when known.
 */
total: number | null, };

export type DataChanged = { 
/**
 * The account whose cache changed.
 */
account_id: string, 
/**
 * The resources that changed, e.g. ["customers", "invoices"].
 */
resources: Array<string>, };

export type RequestLogEntry = { 
/**
 * Row id; newer entries have larger ids.
 */
id: number, 
/**
 * When the attempt started (RFC 3339).
 */
at: string, 
/**
 * The account the request was made for.
 */
account_id: string, 
/**
 * HTTP method.
 */
method: string, 
/**
 * Request path, e.g. "/v1/customers".
 */
path: string, 
/**
 * HTTP status, if an answer arrived.
 */
status: number | null, 
/**
 * Stripe's `Request-Id`, if any.
 */
request_id: string | null, 
/**
 * How long the attempt took.
 */
duration_ms: number, 
/**
 * The idempotency key sent, if any.
 */
idempotency_key: string | null, 
/**
 * 1 for the first attempt, 2 for the first retry, …
 */
attempt: number, 
/**
 * What went wrong, in plain words, if anything.
 */
error: string | null, };

export type ListQuery = { 
/**
 * Free-text search, if any.
 */
search: string | null, 
/**
 * Status filter, if any.
 */
status: string | null, 
/**
 * Column to sort by; the default order when absent.
 */
sort: string | null, 
/**
 * Sort descending.
 */
descending: boolean, 
/**
 * Rows to skip.
 */
offset: number, 
/**
 * Rows to return.
 */
limit: number, };

export type CustomerRow = { 
/**
 * Stripe id (`cus_…`).
 */
id: string, 
/**
 * Name, if set.
 */
name: string | null, 
/**
 * Email, if set.
 */
email: string | null, 
/**
 * Currency of the balance, if set.
 */
currency: string | null, 
/**
 * Balance in minor units of `currency`.
 */
balance: number, 
/**
 * Whether Stripe marks the customer delinquent.
 */
delinquent: boolean, 
/**
 * Creation time (unix seconds).
 */
created: number, };

export type InvoiceRow = { 
/**
 * Stripe id (`in_…`).
 */
id: string, 
/**
 * Invoice number, once finalized.
 */
number: string | null, 
/**
 * Customer id.
 */
customer_id: string | null, 
/**
 * Customer name, if known.
 */
customer_name: string | null, 
/**
 * Customer email, if known.
 */
customer_email: string | null, 
/**
 * draft, open, paid, void or uncollectible.
 */
status: string, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * Total in minor units.
 */
total: number, 
/**
 * Amount due in minor units.
 */
amount_due: number, 
/**
 * Amount paid in minor units.
 */
amount_paid: number, 
/**
 * Amount remaining in minor units.
 */
amount_remaining: number, 
/**
 * Due date (unix seconds), if any.
 */
due_date: number | null, 
/**
 * Creation time (unix seconds).
 */
created: number, };

export type CustomerPage = { 
/**
 * Rows matching the query in all.
 */
total: number, 
/**
 * The requested slice.
 */
rows: Array<CustomerRow>, };

export type InvoicePage = { 
/**
 * Rows matching the query in all.
 */
total: number, 
/**
 * The requested slice.
 */
rows: Array<InvoiceRow>, };

export type SyncSettings = { 
/**
 * Seconds between background polls (15..3600).
 */
poll_interval_secs: number, 
/**
 * Whether the webhook listener runs.
 */
listener_enabled: boolean, 
/**
 * Address the listener binds to.
 */
listener_bind: string, 
/**
 * Port the listener binds to.
 */
listener_port: number, };
