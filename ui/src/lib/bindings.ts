// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p billfold bindings`.
// Do not edit by hand.

export type ErrorCode = "validation" | "not_found" | "conflict" | "plan_changed" | "stripe_auth" | "stripe_unreachable" | "stripe_rate_limited" | "stripe_card_error" | "stripe_error" | "keychain_unavailable" | "keychain_locked" | "store" | "store_newer_version" | "internal";

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
created_at: string, 
/**
 * Whether this is a demo account (built-in emulator data, nothing leaves the computer).
 */
is_demo: boolean, };

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
 * What the sync of this account is doing now.
 */
state: SyncState, 
/**
 * Seconds between background polls.
 */
poll_interval_secs: number, 
/**
 * When the next background poll is due (RFC 3339), if one is scheduled.
 */
next_poll_at: string | null, 
/**
 * Counts every change of this status: of two copies, the higher revision is the newer.
 */
revision: number, };

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
 * The account.
 */
account_id: string, 
/**
 * Backfill or incremental.
 */
phase: SyncPhase, 
/**
 * The resource being synced (`"invoices"`, `"events"`, …).
 */
resource: string, 
/**
 * Objects done so far in this resource.
 */
done: number, 
/**
 * How many there are, when known (Stripe's lists do not say).
 */
total: number | null, };

export type DataChanged = { 
/**
 * The account.
 */
account_id: string, 
/**
 * Resource names (`"customers"`, `"invoices"`, …, `"events"`).
 */
resources: Array<string>, };

export type RequestLogEntry = { 
/**
 * Row id; newer attempts have larger ids.
 */
id: number, 
/**
 * When the attempt started (RFC 3339, milliseconds).
 */
at: string, 
/**
 * The account whose key was used.
 */
account_id: string, 
/**
 * HTTP method.
 */
method: string, 
/**
 * Path and query string, e.g. `/v1/invoices?limit=100`.
 */
path: string, 
/**
 * HTTP status, or `None` when no answer came.
 */
status: number | null, 
/**
 * Stripe's `Request-Id`, to quote to Stripe support.
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
 * What went wrong, in plain words, if it did.
 */
error: string | null, };

export type OperationEntry = { 
/**
 * Position in the journal, for paging (`before` of the next page).
 */
seq: number, 
/**
 * The operation id; every request it sent carries `Idempotency-Key: <id>:<step>`.
 */
id: string, 
/**
 * What it does (`issue_invoice`, `void_invoice`, …).
 */
kind: string, 
/**
 * `pending`, `done` or `failed`.
 */
status: string, 
/**
 * The Stripe object it acted on or made, when known (`in_…`, `cus_…`, `cn_…`).
 */
target: string | null, 
/**
 * The purchase order it was for, if any.
 */
po_id: string | null, 
/**
 * Steps whose answers are saved.
 */
steps_done: number, 
/**
 * Why it failed or is waiting, in Stripe's or the network's words.
 */
error: string | null, 
/**
 * When it was recorded (RFC 3339, UTC).
 */
created_at: string, 
/**
 * When it last moved.
 */
updated_at: string, };

export type ListQuery = { 
/**
 * Words to look for (id, name, email, number…), case-insensitive substrings of 3 or
 * more characters; a shorter search is not applied (the page's `search_hint` says so).
 */
search: string | null, 
/**
 * Only rows with this status (invoices: `draft`, `open`, …; customers: `delinquent`).
 */
status: string | null, 
/**
 * The column to sort by (each list names the ones it knows); `None`: the list's own
 * order (newest first), whatever `descending` says.
 */
sort: string | null, 
/**
 * Sort descending.
 */
descending: boolean, 
/**
 * Rows before this page.
 */
offset: number, 
/**
 * Rows to return (1–500).
 */
limit: number, 
/**
 * The previous page's `next`: this page starts right after it (an index seek; the
 * offset then only says where that is). Ignored if it belongs to another sort.
 */
after: string | null, };

export type CustomerRow = { 
/**
 * `cus_…`
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
 * The customer's currency, once one is set.
 */
currency: string | null, 
/**
 * Balance in minor units of `currency` (negative = credit).
 */
balance: number, 
/**
 * Whether Stripe marks them delinquent.
 */
delinquent: boolean, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type InvoiceRow = { 
/**
 * `in_…`
 */
id: string, 
/**
 * Number, from finalization on.
 */
number: string | null, 
/**
 * The customer's id.
 */
customer_id: string | null, 
/**
 * The customer's name, if cached.
 */
customer_name: string | null, 
/**
 * The customer's email, if cached.
 */
customer_email: string | null, 
/**
 * `draft`, `open`, `paid`, `uncollectible` or `void`.
 */
status: string, 
/**
 * Currency of every amount.
 */
currency: string, 
/**
 * Total, minor units.
 */
total: number, 
/**
 * Amount due, minor units.
 */
amount_due: number, 
/**
 * Amount paid, minor units.
 */
amount_paid: number, 
/**
 * Amount remaining, minor units.
 */
amount_remaining: number, 
/**
 * Due date, Unix seconds.
 */
due_date: number | null, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type CustomerPage = { 
/**
 * Matching customers in all.
 */
total: number, 
/**
 * This page.
 */
rows: Array<CustomerRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type InvoicePage = { 
/**
 * Matching invoices in all.
 */
total: number, 
/**
 * This page.
 */
rows: Array<InvoiceRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type SyncSettings = { 
/**
 * Seconds between background polls of each account.
 */
poll_interval_secs: number, 
/**
 * Whether the webhook listener runs.
 */
listener_enabled: boolean, 
/**
 * The address the listener binds.
 */
listener_bind: string, 
/**
 * The port the listener binds.
 */
listener_port: number, };

export type PaymentMethodRow = { 
/**
 * Stripe's id (`pm_…`).
 */
id: string, 
/**
 * Stripe's `type`: `card`, `sepa_debit`, …
 */
method_type: string, 
/**
 * The card brand (`visa`), for cards.
 */
brand: string | null, 
/**
 * The last four digits, for cards.
 */
last4: string | null, 
/**
 * Expiry month, for cards.
 */
exp_month: number | null, 
/**
 * Expiry year, for cards.
 */
exp_year: number | null, 
/**
 * Whether it is the customer's default for invoices.
 */
is_default: boolean, 
/**
 * When it was created (Unix seconds).
 */
created: number, };

export type BalanceTransactionRow = { 
/**
 * Stripe's id (`cbtxn_…`).
 */
id: string, 
/**
 * When it was made (Unix seconds).
 */
created: number, 
/**
 * Stripe's `type`: `adjustment`, `applied_to_invoice`, `unapplied_from_invoice`, `credit_note`, …
 */
type: string, 
/**
 * The change in minor units; negative is a credit to the customer.
 */
amount: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * The customer's balance after it, in minor units.
 */
ending_balance: number, 
/**
 * What it was for, if anyone said.
 */
description: string | null, 
/**
 * The invoice that moved the balance, if any.
 */
invoice_id: string | null, 
/**
 * The credit note that moved the balance, if any.
 */
credit_note_id: string | null, };

export type BalanceAdjustmentInput = { 
/**
 * Minor units, not zero; negative is a credit to the customer (lowers what they owe).
 */
amount: number, 
/**
 * ISO currency code, any case.
 */
currency: string, 
/**
 * What it is for, shown on the ledger (at most 350 characters).
 */
description: string | null, };

export type InvoiceActionKind = "finalize" | "send" | "pay" | "pay_out_of_band" | "void" | "mark_uncollectible" | "delete_draft";

export type InvoiceLineView = { 
/**
 * `il_…`
 */
id: string, 
/**
 * What is billed.
 */
description: string | null, 
/**
 * How many.
 */
quantity: number | null, 
/**
 * Price of one, minor units.
 */
unit_amount: number | null, 
/**
 * Line amount, minor units.
 */
amount: number, 
/**
 * The catalog price, when the line has one.
 */
price_id: string | null, 
/**
 * Service period start, Unix seconds.
 */
period_start: number | null, 
/**
 * Service period end, Unix seconds.
 */
period_end: number | null, };

export type InvoicePaymentView = { 
/**
 * `inpay_…`
 */
id: string, 
/**
 * Paid, minor units.
 */
amount_paid: number, 
/**
 * `paid`, `open` or `canceled`.
 */
status: string, 
/**
 * Created, Unix seconds.
 */
created: number, 
/**
 * The payment intent behind it, if any.
 */
payment_intent: string | null, 
/**
 * The charge behind it, if any.
 */
charge: string | null, 
/**
 * Whether it was paid outside Stripe.
 */
paid_out_of_band: boolean, };

export type CreditNoteRow = { 
/**
 * `cn_…`
 */
id: string, 
/**
 * Its number.
 */
number: string | null, 
/**
 * The invoice credited.
 */
invoice_id: string | null, 
/**
 * The customer.
 */
customer_id: string | null, 
/**
 * `issued` or `void`.
 */
status: string, 
/**
 * Currency of every amount.
 */
currency: string, 
/**
 * Total, minor units.
 */
total: number, 
/**
 * Amount before taxes and discounts, minor units.
 */
amount: number, 
/**
 * Refunded to the card.
 */
refund_amount: number, 
/**
 * Credited to the customer's balance.
 */
credit_amount: number, 
/**
 * Settled outside Stripe.
 */
out_of_band_amount: number, 
/**
 * Why.
 */
reason: string | null, 
/**
 * The note on it.
 */
memo: string | null, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type InvoiceTimelineEntry = { 
/**
 * `evt_…`
 */
event_id: string, 
/**
 * Stripe's event type (`invoice.finalized`, …).
 */
event_type: string, 
/**
 * When Stripe made it, Unix seconds.
 */
created: number, 
/**
 * How it reached the cache: `poll` or `webhook`.
 */
source: string, };

export type InvoicePoLink = { 
/**
 * The PO's id.
 */
po_id: string, 
/**
 * Its number.
 */
po_number: string, };

export type CustomField = { 
/**
 * At most 40 characters.
 */
name: string, 
/**
 * At most 140 characters.
 */
value: string, };

export type InvoiceDetail = { 
/**
 * `in_…`
 */
id: string, 
/**
 * Number, from finalization on.
 */
number: string | null, 
/**
 * `draft`, `open`, `paid`, `uncollectible`, `void` (or `deleted` right after deleting a draft).
 */
status: string, 
/**
 * The customer's id.
 */
customer_id: string | null, 
/**
 * The customer's name as the invoice carries it.
 */
customer_name: string | null, 
/**
 * The customer's email as the invoice carries it.
 */
customer_email: string | null, 
/**
 * Currency of every amount.
 */
currency: string, 
/**
 * `send_invoice` or `charge_automatically`.
 */
collection_method: string, 
/**
 * Created, Unix seconds.
 */
created: number, 
/**
 * Due date, Unix seconds.
 */
due_date: number | null, 
/**
 * Finalized, Unix seconds.
 */
finalized_at: number | null, 
/**
 * Sum of the lines, minor units.
 */
subtotal: number, 
/**
 * Total, minor units.
 */
total: number, 
/**
 * Due after the customer's balance, minor units.
 */
amount_due: number, 
/**
 * Paid so far, minor units.
 */
amount_paid: number, 
/**
 * Still to pay, minor units.
 */
amount_remaining: number, 
/**
 * The customer's balance applied at finalization, minor units.
 */
starting_balance: number, 
/**
 * The customer's balance after it, minor units.
 */
ending_balance: number | null, 
/**
 * Stripe's `description`.
 */
memo: string | null, 
/**
 * Footer printed on the PDF.
 */
footer: string | null, 
/**
 * The hosted payment page.
 */
hosted_invoice_url: string | null, 
/**
 * The PDF.
 */
invoice_pdf: string | null, 
/**
 * Custom fields on the PDF.
 */
custom_fields: Array<CustomField>, 
/**
 * Stripe metadata.
 */
metadata: { [key in string]: string }, 
/**
 * Every cached line, in Stripe's order.
 */
lines: Array<InvoiceLineView>, 
/**
 * Its payments, oldest first.
 */
payments: Array<InvoicePaymentView>, 
/**
 * Credit notes issued against it, oldest first.
 */
credit_notes: Array<CreditNoteRow>, 
/**
 * Refunds of its payments (a credit note's refund included), newest first.
 */
refunds: Array<RefundRow>, 
/**
 * The purchase order it belongs to, if any.
 */
po: InvoicePoLink | null, 
/**
 * Cached events about it, newest first.
 */
timeline: Array<InvoiceTimelineEntry>, 
/**
 * What its state allows now.
 */
actions: Array<InvoiceActionKind>, 
/**
 * Whether it is a draft (lines and terms editable).
 */
can_edit: boolean, 
/**
 * Whether a credit note can be issued against it.
 */
can_credit: boolean, 
/**
 * What a credit note may still take off, minor units.
 */
creditable_amount: number, 
/**
 * The cached object, pretty-printed.
 */
raw_json: string, };

export type CollectionMethod = "send_invoice" | "charge_automatically";

export type CustomerChoice = { "kind": "existing", 
/**
 * `cus_…`
 */
customer_id: string, } | { "kind": "by_email", 
/**
 * Billing email.
 */
email: string, 
/**
 * Name for a new customer.
 */
name: string, };

export type NewInvoiceLine = { 
/**
 * A cached, active, one-off price in the invoice's currency.
 */
price_id: string | null, 
/**
 * What is billed (required without a price).
 */
description: string | null, 
/**
 * How many, at least 1.
 */
quantity: number, 
/**
 * Price of one in minor units (required without a price).
 */
unit_amount: number | null, };

export type NewInvoiceInput = { 
/**
 * Who it is for.
 */
customer: CustomerChoice, 
/**
 * ISO currency code, any case.
 */
currency: string, 
/**
 * How Stripe collects it.
 */
collection_method: CollectionMethod, 
/**
 * Payment terms in days (`send_invoice` only; this or `due_date`).
 */
days_until_due: number | null, 
/**
 * Due date, Unix seconds in the future (`send_invoice` only).
 */
due_date: number | null, 
/**
 * At least one, at most 250.
 */
lines: Array<NewInvoiceLine>, 
/**
 * Stripe's `description`.
 */
memo: string | null, 
/**
 * Footer printed on the PDF.
 */
footer: string | null, 
/**
 * At most 4.
 */
custom_fields: Array<CustomField>, 
/**
 * Stripe metadata.
 */
metadata: { [key in string]: string }, };

export type LineChange = { 
/**
 * The line changed.
 */
line_id: string, 
/**
 * New description.
 */
description: string | null, 
/**
 * New quantity, at least 1.
 */
quantity: number | null, 
/**
 * New unit amount, minor units.
 */
unit_amount: number | null, };

export type DraftChanges = { 
/**
 * Lines to add.
 */
add_lines: Array<NewInvoiceLine>, 
/**
 * Lines to change.
 */
update_lines: Array<LineChange>, 
/**
 * Lines to remove.
 */
remove_line_ids: Array<string>, 
/**
 * New collection method.
 */
collection_method: CollectionMethod | null, 
/**
 * New payment terms in days.
 */
days_until_due: number | null, 
/**
 * New due date, Unix seconds.
 */
due_date: number | null, 
/**
 * New memo (empty clears it).
 */
memo: string | null, 
/**
 * New footer (empty clears it).
 */
footer: string | null, 
/**
 * A cached coupon to apply, replacing any discount (empty removes the discounts).
 */
coupon_id: string | null, };

export type CatalogPrice = { 
/**
 * `price_…`
 */
id: string, 
/**
 * Its product's name.
 */
product_name: string, 
/**
 * Its currency.
 */
currency: string, 
/**
 * Price of one, minor units.
 */
unit_amount: number | null, 
/**
 * Whether it is a recurring price (never offered; kept for the UI's label).
 */
recurring: boolean, };

export type BulkResult = { 
/**
 * The invoice.
 */
invoice_id: string, 
/**
 * Whether it worked.
 */
ok: boolean, 
/**
 * Why not, when it did not.
 */
message: string | null, };

export type PriceRow = { 
/**
 * `price_…`
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
 * Price of one, minor units (`None` for tiered or custom-amount prices).
 */
unit_amount: number | null, 
/**
 * `day`, `week`, `month` or `year`; `None` for a one-off price.
 */
recurring_interval: string | null, 
/**
 * How many intervals between charges.
 */
recurring_interval_count: number | null, 
/**
 * `inclusive`, `exclusive` or `unspecified`.
 */
tax_behavior: string | null, 
/**
 * An internal name, never shown to customers.
 */
nickname: string | null, 
/**
 * `false` once archived: it cannot be used for new purchases.
 */
active: boolean, 
/**
 * Unix seconds.
 */
created: number, };

export type ProductRow = { 
/**
 * `prod_…`
 */
id: string, 
/**
 * Its name, as customers see it.
 */
name: string, 
/**
 * Its description.
 */
description: string | null, 
/**
 * `false` once archived.
 */
active: boolean, 
/**
 * `metadata.credits` when it is an integer: a credit pack worth this many minor units of
 * its price's currency.
 */
credits: number | null, 
/**
 * Key-value pairs kept with the product.
 */
metadata: { [key in string]: string }, 
/**
 * Unix seconds.
 */
created: number, 
/**
 * Unix seconds of its last change.
 */
updated: number, 
/**
 * Its prices, newest first.
 */
prices: Array<PriceRow>, };

export type CatalogQuery = { 
/**
 * `None` lists all, `Some(true)` active products only, `Some(false)` archived ones only.
 */
active: boolean | null, 
/**
 * Case-insensitive text found in a product's name, description or id, or in one of its
 * prices' ids or nicknames.
 */
search: string | null, };

export type ProductInput = { 
/**
 * 1 to 250 characters.
 */
name: string, 
/**
 * Empty or `None` for none (an edit clears it).
 */
description: string | null, 
/**
 * Key-value pairs kept with the product (`credits` marks a credit pack).
 */
metadata: { [key in string]: string }, };

export type RecurringInput = { 
/**
 * `day`, `week`, `month` or `year`.
 */
interval: string, 
/**
 * At least 1, and at most one year in all (365 days, 52 weeks, 12 months, 1 year).
 */
interval_count: number, };

export type PriceInput = { 
/**
 * ISO code in any case.
 */
currency: string, 
/**
 * Price of one, minor units, 0 to 99,999,999.
 */
unit_amount: number, 
/**
 * `None` for a one-off price.
 */
recurring: RecurringInput | null, 
/**
 * `inclusive`, `exclusive` or `unspecified` (`None` leaves Stripe's default, unspecified).
 */
tax_behavior: string | null, 
/**
 * An internal name.
 */
nickname: string | null, };

export type ObjectRef = { "existing": string } | { "created": number };

export type CopyStep = { "kind": "create_product", 
/**
 * The form, `metadata[billfold_key]` included.
 */
form: Array<[string, string]>, } | { "kind": "update_product", 
/**
 * The product.
 */
product: ObjectRef, 
/**
 * What changes.
 */
form: Array<[string, string]>, } | { "kind": "create_price", 
/**
 * Its product.
 */
product: ObjectRef, 
/**
 * The form, without `product`.
 */
form: Array<[string, string]>, } | { "kind": "update_price", 
/**
 * The price.
 */
price_id: string, 
/**
 * What changes.
 */
form: Array<[string, string]>, } | { "kind": "set_default_price", 
/**
 * The product.
 */
product: ObjectRef, 
/**
 * Its new default price.
 */
price: ObjectRef | null, };

export type CopyAction = { 
/**
 * What it does, in words.
 */
text: string, 
/**
 * The request.
 */
step: CopyStep, };

export type ProductChange = "create" | "update" | "archive" | "unchanged";

export type PlannedProduct = { 
/**
 * Its `billfold_key`.
 */
key: string, 
/**
 * Its name (the source's, or the target's for an archive).
 */
name: string, 
/**
 * What happens to it.
 */
change: ProductChange, 
/**
 * The texts of its actions, in order.
 */
lines: Array<string>, };

export type CopyCounts = { 
/**
 * Products to create.
 */
products_created: number, 
/**
 * Products to change.
 */
products_updated: number, 
/**
 * Products to archive.
 */
products_archived: number, 
/**
 * Products left as they are.
 */
products_unchanged: number, 
/**
 * Prices to create.
 */
prices_created: number, 
/**
 * Prices to archive.
 */
prices_archived: number, 
/**
 * Prices to change (nickname, lookup key, unarchive).
 */
prices_updated: number, 
/**
 * Requests to Stripe: one per action.
 */
requests: number, };

export type CopyPlan = { 
/**
 * Every product concerned, in the order of the source, then those archived.
 */
products: Array<PlannedProduct>, 
/**
 * Every request, in the order they run.
 */
actions: Array<CopyAction>, 
/**
 * Counts of the above.
 */
counts: CopyCounts, 
/**
 * What the copy leaves out and why.
 */
notes: Array<string>, 
/**
 * A fingerprint of the actions: applying refuses when the recomputed plan's differs.
 */
digest: string, };

export type FileFormat = "json" | "csv";

export type CopySource = { "account": string } | { "file": { 
/**
 * JSON or CSV.
 */
format: FileFormat, 
/**
 * Its text.
 */
contents: string, } };

export type CopyResult = { 
/**
 * The journaled operation; `None` when there was nothing to do (and nothing was sent).
 */
operation_id: string | null, 
/**
 * What it did: the plan's counts.
 */
counts: CopyCounts, };

export type CreditReason = "duplicate" | "fraudulent" | "order_change" | "product_unsatisfactory";

export type CreditLineInput = { 
/**
 * The invoice line item (`il_…`).
 */
invoice_line_id: string, 
/**
 * How many of its units (1 to the line's quantity).
 */
quantity: number, };

export type CreditNoteInput = { 
/**
 * The invoice credited (open or paid).
 */
invoice_id: string, 
/**
 * Credit a bare amount (minor units) …
 */
amount: number | null, 
/**
 * … or these lines: exactly one of the two.
 */
lines: Array<CreditLineInput>, 
/**
 * Why.
 */
reason: CreditReason | null, 
/**
 * A note printed on the credit note.
 */
memo: string | null, 
/**
 * Paid invoice: refunded to the card.
 */
refund_amount: number, 
/**
 * Paid invoice: credited to the customer's balance.
 */
credit_amount: number, 
/**
 * Paid invoice: settled outside Stripe.
 */
out_of_band_amount: number, };

export type CreditNotePreviewLine = { 
/**
 * What it credits.
 */
description: string | null, 
/**
 * How many units.
 */
quantity: number | null, 
/**
 * Amount, minor units.
 */
amount: number, };

export type CreditNotePreview = { 
/**
 * Total, minor units.
 */
total: number, 
/**
 * Subtotal, minor units.
 */
subtotal: number, 
/**
 * Currency.
 */
currency: string, 
/**
 * Its lines (none when crediting an amount).
 */
lines: Array<CreditNotePreviewLine>, 
/**
 * The invoice's `amount_remaining` once it is issued.
 */
amount_remaining_after: number, 
/**
 * The invoice's status now.
 */
invoice_status: string, 
/**
 * How much of the invoice can still be credited, before this one.
 */
creditable_amount: number, };

export type SubscriptionRow = { 
/**
 * `sub_…`
 */
id: string, 
/**
 * The customer's id.
 */
customer_id: string | null, 
/**
 * The customer's name, when the customer is cached.
 */
customer_name: string | null, 
/**
 * The customer's email, when the customer is cached.
 */
customer_email: string | null, 
/**
 * `active`, `trialing`, `past_due`, `unpaid`, `canceled`, `incomplete`, …
 */
status: string, 
/**
 * Its currency.
 */
currency: string, 
/**
 * Monthly recurring revenue of its items, minor units (see [`mrr`]).
 */
mrr: number, 
/**
 * The current period's end, unless it ended or cancels then.
 */
next_renewal: number | null, 
/**
 * Whether it cancels at the end of the current period.
 */
cancel_at_period_end: boolean, 
/**
 * When its trial ends, if it has one.
 */
trial_end: number | null, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type SubscriptionPage = { 
/**
 * Matching subscriptions in all.
 */
total: number, 
/**
 * This page, newest first unless asked otherwise.
 */
rows: Array<SubscriptionRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type RecurringPrice = { 
/**
 * `price_…`
 */
id: string, 
/**
 * Its product.
 */
product_id: string, 
/**
 * Its product's name, when the product is cached.
 */
product_name: string | null, 
/**
 * Its currency.
 */
currency: string, 
/**
 * Price of one, minor units (none for tiered prices).
 */
unit_amount: number | null, 
/**
 * `day`, `week`, `month` or `year`.
 */
recurring_interval: string | null, 
/**
 * How many intervals between bills.
 */
recurring_interval_count: number | null, 
/**
 * `inclusive`, `exclusive` or `unspecified`.
 */
tax_behavior: string | null, 
/**
 * Its nickname.
 */
nickname: string | null, 
/**
 * Whether it can be used (always true here).
 */
active: boolean, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type SubscriptionItemView = { 
/**
 * `si_…`
 */
id: string, 
/**
 * Its price.
 */
price_id: string | null, 
/**
 * The price's product.
 */
product_id: string | null, 
/**
 * The price's product's name, when cached.
 */
product_name: string | null, 
/**
 * How many.
 */
quantity: number, 
/**
 * Price of one, minor units.
 */
unit_amount: number | null, 
/**
 * Its currency.
 */
currency: string, 
/**
 * `day`, `week`, `month` or `year`.
 */
interval: string | null, 
/**
 * How many intervals between bills.
 */
interval_count: number | null, };

export type PauseView = { 
/**
 * `keep_as_draft`, `mark_uncollectible` or `void`: what happens to invoices meanwhile.
 */
behavior: string, 
/**
 * When collection resumes by itself, if set.
 */
resumes_at: number | null, };

export type SubscriptionActionKind = "cancel_now" | "cancel_at_period_end" | "undo_cancel" | "pause_collection" | "resume_collection" | "change" | "apply_coupon" | "remove_discounts";

export type SubscriptionDetail = { 
/**
 * `sub_…`
 */
id: string, 
/**
 * Stripe's status.
 */
status: string, 
/**
 * The customer's id.
 */
customer_id: string | null, 
/**
 * The customer's name, when cached.
 */
customer_name: string | null, 
/**
 * The customer's email, when cached.
 */
customer_email: string | null, 
/**
 * Its currency.
 */
currency: string, 
/**
 * `charge_automatically` or `send_invoice`.
 */
collection_method: string, 
/**
 * Days to pay a `send_invoice` invoice.
 */
days_until_due: number | null, 
/**
 * The payment method it charges, when it names one.
 */
default_payment_method: string | null, 
/**
 * Start of the current period.
 */
current_period_start: number | null, 
/**
 * End of the current period.
 */
current_period_end: number | null, 
/**
 * When the trial ends, if any.
 */
trial_end: number | null, 
/**
 * Whether it cancels at the end of the current period.
 */
cancel_at_period_end: boolean, 
/**
 * When it cancels, if scheduled.
 */
cancel_at: number | null, 
/**
 * When it was canceled, if it was.
 */
canceled_at: number | null, 
/**
 * How collection is paused, if it is.
 */
pause_collection: PauseView | null, 
/**
 * Its discounts, each with its coupon.
 */
discounts: Array<AppliedDiscount>, 
/**
 * Monthly recurring revenue, minor units.
 */
mrr: number, 
/**
 * Its items.
 */
items: Array<SubscriptionItemView>, 
/**
 * Its cached invoices, newest first.
 */
invoices: Array<InvoiceRow>, 
/**
 * Cached events about it, newest first.
 */
timeline: Array<InvoiceTimelineEntry>, 
/**
 * What its state allows.
 */
actions: Array<SubscriptionActionKind>, 
/**
 * Its metadata.
 */
metadata: { [key in string]: string }, 
/**
 * The cached object, pretty-printed.
 */
raw_json: string, };

export type DunningRow = { 
/**
 * `sub_…`
 */
subscription_id: string, 
/**
 * `past_due` or `unpaid`.
 */
subscription_status: string, 
/**
 * The customer's id.
 */
customer_id: string | null, 
/**
 * The customer's name, when the customer is cached.
 */
customer_name: string | null, 
/**
 * The customer's email, when the customer is cached.
 */
customer_email: string | null, 
/**
 * `in_…`, the open invoice to chase.
 */
invoice_id: string, 
/**
 * Its number.
 */
invoice_number: string | null, 
/**
 * Its currency.
 */
currency: string, 
/**
 * Still to pay, minor units.
 */
amount_remaining: number, 
/**
 * How many times Stripe has tried to charge it.
 */
attempt_count: number, 
/**
 * When Stripe tries again by itself, Unix seconds; none once retries are exhausted.
 */
next_payment_attempt: number | null, 
/**
 * Why the last charge failed, when its payment intent or charge is cached.
 */
last_failure: string | null, 
/**
 * When it is due, Unix seconds (`send_invoice` invoices only).
 */
due_date: number | null, 
/**
 * The invoice actions its state allows (pay retries now, send emails the hosted link).
 */
actions: Array<InvoiceActionKind>, 
/**
 * Whether the account's dunning rule marked the subscription for review.
 */
review: boolean, };

export type DunningAction = "cancel" | "review";

export type DunningRule = { 
/**
 * Whether it runs after each sync.
 */
enabled: boolean, 
/**
 * After how many failed payments of an open invoice it acts (1–10).
 */
failed_payments: number, 
/**
 * What it does then.
 */
action: DunningAction, };

export type NotificationSettings = { 
/**
 * Show a desktop notification when a payment fails or a subscription turns past due.
 */
payment_failures: boolean, 
/**
 * Show one when a dispute opens and one a day before its evidence is due. Settings saved
 * before disputes had a switch read as on.
 */
disputes: boolean, };

export type UpcomingLine = { 
/**
 * What is billed.
 */
description: string | null, 
/**
 * Amount, minor units.
 */
amount: number, 
/**
 * How many.
 */
quantity: number | null, 
/**
 * Start of the period billed.
 */
period_start: number | null, 
/**
 * End of the period billed.
 */
period_end: number | null, };

export type UpcomingInvoice = { 
/**
 * Its currency.
 */
currency: string, 
/**
 * Before discounts and tax, minor units.
 */
subtotal: number, 
/**
 * Total, minor units.
 */
total: number, 
/**
 * What the customer will owe, minor units.
 */
amount_due: number, 
/**
 * End of the period it bills.
 */
period_end: number | null, 
/**
 * Its lines.
 */
lines: Array<UpcomingLine>, };

export type SubscriptionAction = { "kind": "cancel_now", 
/**
 * Issue a final invoice for pending items and prorations now.
 */
invoice_now: boolean, 
/**
 * Credit the unused rest of the period.
 */
prorate: boolean, } | { "kind": "cancel_at_period_end" } | { "kind": "undo_cancel" } | { "kind": "pause_collection", 
/**
 * `keep_as_draft`, `mark_uncollectible` or `void`.
 */
behavior: string, 
/**
 * When to resume by itself (in the future), if at all.
 */
resumes_at: number | null, } | { "kind": "resume_collection" } | { "kind": "apply_coupon", 
/**
 * The coupon's id.
 */
coupon_id: string, } | { "kind": "remove_discounts" };

export type SubscriptionItemInput = { 
/**
 * A cached, active, recurring price.
 */
price_id: string, 
/**
 * How many, at least 1.
 */
quantity: number, };

export type TrialInput = { "kind": "none" } | { "kind": "days", 
/**
 * Length of the trial.
 */
days: number, } | { "kind": "until", 
/**
 * Unix seconds.
 */
trial_end: number, };

export type NewSubscriptionInput = { 
/**
 * Who it is for.
 */
customer: CustomerChoice, 
/**
 * What it bills.
 */
items: Array<SubscriptionItemInput>, 
/**
 * Its trial, if any.
 */
trial: TrialInput, 
/**
 * How it collects.
 */
collection_method: CollectionMethod, 
/**
 * Days to pay, `send_invoice` only.
 */
days_until_due: number | null, 
/**
 * `allow_incomplete`, `default_incomplete` or `error_if_incomplete`.
 */
payment_behavior: string, 
/**
 * Metadata.
 */
metadata: { [key in string]: string }, 
/**
 * A cached coupon to apply, if any.
 */
coupon_id: string | null, };

export type ProrationChoice = "always_invoice" | "create_prorations" | "none";

export type ItemChange = { 
/**
 * The existing item (`si_…`) changed or removed; none for a new item.
 */
item_id: string | null, 
/**
 * Its new price (required for a new item).
 */
price_id: string | null, 
/**
 * Its new quantity, at least 1 (a new item without one gets 1).
 */
quantity: number | null, 
/**
 * Whether the existing item is removed.
 */
deleted: boolean, };

export type SubscriptionChangeInput = { 
/**
 * What changes, item by item; items not named stay as they are.
 */
items: Array<ItemChange>, 
/**
 * When the difference is billed.
 */
proration: ProrationChoice, 
/**
 * The moment prorations are worked out from (within the current period), Unix seconds:
 * the preview's, so the update bills exactly what was previewed.
 */
proration_date: number, };

export type ChangeLine = { 
/**
 * What is billed.
 */
description: string | null, 
/**
 * Amount, minor units (negative for a credit).
 */
amount: number, 
/**
 * How many.
 */
quantity: number | null, 
/**
 * Start of the period billed.
 */
period_start: number | null, 
/**
 * End of the period billed.
 */
period_end: number | null, 
/**
 * Whether it is a proration (time left on the old or the new price).
 */
proration: boolean, };

export type ChangePreview = { 
/**
 * The proration date the preview was worked out for; the change must send it.
 */
proration_date: number, 
/**
 * The subscription's currency.
 */
currency: string, 
/**
 * The previewed invoice's lines: the invoice the change issues at once, if it issues
 * one, else the next renewal's.
 */
lines: Array<ChangeLine>, 
/**
 * What the invoice the change issues at once asks, minor units; 0 when it issues none
 * (it does with `always_invoice`, and when the interval changes).
 */
due_now: number, 
/**
 * The next renewal invoice's total, minor units. When the change issues an invoice at
 * once, it is worked out from the new items' cached prices (before discounts and tax),
 * as the preview shows only the invoice issued now.
 */
next_invoice_total: number, 
/**
 * The sum of the proration lines, minor units; negative is a credit.
 */
proration_total: number, };

export type CouponRow = { 
/**
 * The coupon's id (Stripe's or the one given at creation).
 */
id: string, 
/**
 * Its name, shown on invoices.
 */
name: string | null, 
/**
 * Percent off in basis points (25.5 % = 2550), for a percentage coupon.
 */
percent_off_bp: number | null, 
/**
 * Amount off in minor units of `currency`, for an amount coupon.
 */
amount_off: number | null, 
/**
 * The currency of `amount_off`.
 */
currency: string | null, 
/**
 * `once`, `repeating` or `forever`.
 */
duration: string, 
/**
 * Months it lasts, for `repeating`.
 */
duration_in_months: number | null, 
/**
 * Whether it can still be redeemed.
 */
valid: boolean, 
/**
 * How often it was redeemed.
 */
times_redeemed: number, 
/**
 * The most redemptions allowed, if limited.
 */
max_redemptions: number | null, 
/**
 * The last time it can be redeemed, if limited.
 */
redeem_by: number | null, 
/**
 * The products it is limited to (empty: any).
 */
applies_to_products: Array<string>, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type CouponValue = { "kind": "percent", 
/**
 * 2550 is 25.5 %.
 */
basis_points: number, } | { "kind": "amount", 
/**
 * Minor units.
 */
amount: number, 
/**
 * ISO code, lower or upper case.
 */
currency: string, };

export type DiscountMode = "forever" | "all";

export type Rate = { 
/**
 * What is counted (customers, or minor units).
 */
numerator: number, 
/**
 * What it is counted against.
 */
denominator: number, 
/**
 * The rate in basis points, or `None` for a zero denominator.
 */
basis_points: number | null, };

export type MrrMonth = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * MRR at the end of the previous month, in minor units.
 */
mrr_at_start: number, 
/**
 * MRR at the end of the month.
 */
mrr: number, 
/**
 * From customers who never had MRR in this currency before.
 */
new: number, 
/**
 * Increases of customers who had MRR.
 */
expansion: number, 
/**
 * Decreases of customers who keep some MRR (a positive number).
 */
contraction: number, 
/**
 * MRR of customers who went to 0 (a positive number).
 */
churn: number, 
/**
 * From customers who had MRR before, went to 0 and came back.
 */
reactivation: number, 
/**
 * `new + expansion + reactivation − contraction − churn` (= `mrr − mrr_at_start`).
 */
net: number, 
/**
 * Subscriptions `active` or `past_due` at the end of the month (free plans included).
 */
subscriptions: number, 
/**
 * Customers with MRR above 0 at the end of the month.
 */
customers: number, 
/**
 * Paying customers at the end of the previous month.
 */
customers_at_start: number, 
/**
 * Customers whose MRR went to 0 in the month (a customer churning twice counts twice).
 */
churned_customers: number, 
/**
 * Customers new in the month.
 */
new_customers: number, 
/**
 * `mrr ÷ customers`, rounded half up; `None` without paying customers.
 */
arpa: number | null, 
/**
 * Churned customers ÷ (customers at start + new customers).
 */
churn_rate: Rate, 
/**
 * (churn + contraction) ÷ MRR at start.
 */
gross_mrr_churn: Rate, 
/**
 * (churn + contraction − expansion − reactivation) ÷ MRR at start; negative when the
 * month grew more than it lost.
 */
net_mrr_churn: Rate, };

export type CurrencyMrr = { 
/**
 * Lowercase ISO code.
 */
currency: string, 
/**
 * One row per month of the range, oldest first.
 */
months: Array<MrrMonth>, };

export type MrrReport = { 
/**
 * The account, or `None` for every account together.
 */
account_id: string | null, 
/**
 * First month, `YYYY-MM`.
 */
from_month: string, 
/**
 * Last month, `YYYY-MM`.
 */
to_month: string, 
/**
 * Which discounts lowered MRR.
 */
discounts: DiscountMode, 
/**
 * Currencies with any subscription history, alphabetically.
 */
currencies: Array<CurrencyMrr>, };

export type MrrNowRow = { 
/**
 * Lowercase ISO code.
 */
currency: string, 
/**
 * MRR now, in minor units.
 */
mrr: number, 
/**
 * MRR at the end of last month.
 */
last_month_end: number, 
/**
 * `mrr − last_month_end`.
 */
change: number, 
/**
 * Subscriptions `active` or `past_due` now.
 */
active_subscriptions: number, 
/**
 * Customers with MRR above 0 now.
 */
paying_customers: number, };

export type NewCouponInput = { 
/**
 * Its name (shown to customers on invoices), 1 to 40 characters.
 */
name: string, 
/**
 * What it takes off.
 */
value: CouponValue, 
/**
 * `once`, `repeating` or `forever`.
 */
duration: string, 
/**
 * Months, for `repeating` (1 to 36).
 */
duration_in_months: number | null, 
/**
 * The most redemptions allowed, if limited.
 */
max_redemptions: number | null, 
/**
 * The last time it can be redeemed (in the future), if limited.
 */
redeem_by: number | null, 
/**
 * Cached products it is limited to (empty: any).
 */
applies_to_products: Array<string>, };

export type AppliedDiscount = { 
/**
 * `di_…`
 */
id: string, 
/**
 * The coupon it applies.
 */
coupon_id: string | null, 
/**
 * The coupon as cached, when it is.
 */
coupon: CouponRow | null, 
/**
 * When it started.
 */
starts_at: number | null, 
/**
 * When it ends (a `repeating` coupon's), if ever.
 */
ends_at: number | null, };

export type PaymentRow = { 
/**
 * `pi_…`
 */
id: string, 
/**
 * One of [`PAYMENT_STATUSES`].
 */
status: string, 
/**
 * Why it failed (the decline's message), when it did.
 */
decline_reason: string | null, 
/**
 * Amount asked, minor units.
 */
amount: number, 
/**
 * Refunded to the customer so far (a refund under way included), minor units.
 */
amount_refunded: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * The customer, if any.
 */
customer_id: string | null, 
/**
 * The customer's name, when the customer is cached.
 */
customer_name: string | null, 
/**
 * The customer's email, when the customer is cached.
 */
customer_email: string | null, 
/**
 * What it is for.
 */
description: string | null, 
/**
 * How it was paid: "Visa •••• 4242", "Bank transfer", or none yet.
 */
method: string | null, 
/**
 * The latest charge, `ch_…`.
 */
charge_id: string | null, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type PaymentPage = { 
/**
 * Matching payments in all.
 */
total: number, 
/**
 * This page, newest first unless asked otherwise.
 */
rows: Array<PaymentRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type PaymentFilters = { 
/**
 * Created at or after, Unix seconds.
 */
created_from: number | null, 
/**
 * Created before, Unix seconds.
 */
created_to: number | null, 
/**
 * At least this amount, minor units.
 */
amount_min: number | null, 
/**
 * At most this amount, minor units.
 */
amount_max: number | null, 
/**
 * Only this customer's payments.
 */
customer_id: string | null, 
/**
 * Only payments in this currency (lowercase ISO).
 */
currency: string | null, };

export type RefundRow = { 
/**
 * `re_…`
 */
id: string, 
/**
 * One of [`REFUND_STATUSES`].
 */
status: string, 
/**
 * Minor units.
 */
amount: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * `requested_by_customer`, `duplicate`, `fraudulent`, or none.
 */
reason: string | null, 
/**
 * The note written with it (`metadata[note]`).
 */
note: string | null, 
/**
 * Why it failed or was canceled, Stripe's `failure_reason`.
 */
failure_reason: string | null, 
/**
 * The charge refunded.
 */
charge_id: string | null, 
/**
 * The payment refunded.
 */
payment_intent_id: string | null, 
/**
 * Created, Unix seconds.
 */
created: number, };

export type RefundPage = { 
/**
 * Matching refunds in all.
 */
total: number, 
/**
 * This page, newest first unless asked otherwise.
 */
rows: Array<RefundRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type RefundReason = "requested_by_customer" | "duplicate" | "fraudulent";

export type RefundInput = { 
/**
 * The payment refunded, `pi_…`.
 */
payment_intent_id: string, 
/**
 * Minor units; all that is left when `None`.
 */
amount: number | null, 
/**
 * Why, as Stripe names it.
 */
reason: RefundReason | null, 
/**
 * A note kept on the refund (`metadata[note]`).
 */
note: string | null, };

export type NewPaymentInput = { 
/**
 * `cus_…`
 */
customer_id: string, 
/**
 * A payment method saved on the customer, `pm_…`.
 */
payment_method: string, 
/**
 * Minor units.
 */
amount: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * What it is for.
 */
description: string | null, 
/**
 * Authorize only; capture (or cancel) later.
 */
capture_later: boolean, };

export type DisputeSummary = { 
/**
 * `dp_…`
 */
id: string, 
/**
 * Stripe's dispute status (`needs_response`, `won`, `lost`, …).
 */
status: string, 
/**
 * Why the cardholder disputed.
 */
reason: string | null, 
/**
 * Minor units.
 */
amount: number, };

export type PaymentEvent = { 
/**
 * `evt_…`
 */
id: string, 
/**
 * Stripe's event type (`charge.refunded`).
 */
event_type: string, 
/**
 * Unix seconds.
 */
created: number, };

export type PaymentDetail = { 
/**
 * The payment as the list shows it.
 */
payment: PaymentRow, 
/**
 * What is left to refund, minor units.
 */
refundable: number, 
/**
 * `automatic` or `manual`.
 */
capture_method: string, 
/**
 * The card's brand (`visa`), for card payments.
 */
card_brand: string | null, 
/**
 * The card's last four digits, for card payments.
 */
card_last4: string | null, 
/**
 * Stripe's receipt page.
 */
receipt_url: string | null, 
/**
 * Stripe's fee, minor units, when the charge's balance transaction is known.
 */
fee: number | null, 
/**
 * What the account keeps, minor units, when the charge's balance transaction is known.
 */
net: number | null, 
/**
 * The invoice it paid, if any.
 */
invoice_id: string | null, 
/**
 * That invoice's number.
 */
invoice_number: string | null, 
/**
 * The PO of that invoice, if any.
 */
po_id: string | null, 
/**
 * That PO's number.
 */
po_number: string | null, 
/**
 * Its refunds, newest first.
 */
refunds: Array<RefundRow>, 
/**
 * Its dispute, if the cardholder disputed it.
 */
dispute: DisputeSummary | null, 
/**
 * Cached events about it, oldest first.
 */
events: Array<PaymentEvent>, 
/**
 * Whether a refund can be made now.
 */
can_refund: boolean, 
/**
 * Whether it waits for capture (capture or cancel can be done).
 */
can_capture: boolean, 
/**
 * Whether it can still be canceled.
 */
can_cancel: boolean, };

export type CreditNotePage = { 
/**
 * Matching credit notes in all.
 */
total: number, 
/**
 * This page, newest first unless asked otherwise.
 */
rows: Array<CreditNoteRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type DisputeRow = { 
/**
 * `dp_…`
 */
id: string, 
/**
 * The disputed charge.
 */
charge_id: string | null, 
/**
 * The payment intent of the charge, if any.
 */
payment_intent_id: string | null, 
/**
 * Stripe's status (`needs_response`, `under_review`, `won`, `lost`, `warning_…`).
 */
status: string, 
/**
 * Stripe's reason (`fraudulent`, `product_not_received`, …).
 */
reason: string, 
/**
 * Disputed amount, minor units.
 */
amount: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * When evidence is due (Unix seconds), if Stripe gave a deadline.
 */
due_by: number | null, 
/**
 * Opened at (Unix seconds).
 */
created: number, 
/**
 * The charge's customer, when the charge and customer are cached.
 */
customer_id: string | null, 
/**
 * The customer's name, when cached.
 */
customer_name: string | null, 
/**
 * The customer's email, when cached.
 */
customer_email: string | null, };

export type DisputePage = { 
/**
 * Matching disputes in all.
 */
total: number, 
/**
 * This page: open ones by deadline first unless another sort is asked for.
 */
rows: Array<DisputeRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type EvidenceFile = { 
/**
 * The evidence field (`receipt`, `customer_communication`, …).
 */
field: string, 
/**
 * `file_…`
 */
file_id: string, 
/**
 * The uploaded file's name, when Billfold uploaded it.
 */
filename: string | null, 
/**
 * Its size in bytes, when known.
 */
size: number | null, 
/**
 * `pdf`, `png` or `jpg`, when known.
 */
file_type: string | null, };

export type DisputeDetail = { 
/**
 * The queue row (with the customer).
 */
row: DisputeRow, 
/**
 * The evidence text fields that hold something, as `(field, text)`.
 */
text: Array<[string, string]>, 
/**
 * The evidence files named.
 */
files: Array<EvidenceFile>, 
/**
 * Whether any evidence is staged.
 */
has_evidence: boolean, 
/**
 * How many times evidence was submitted (Stripe allows one).
 */
submission_count: number, 
/**
 * Whether the deadline passed while it was open.
 */
past_due: boolean, 
/**
 * The payment in Stripe's dashboard.
 */
payment_link: string | null, };

export type PickedFile = { 
/**
 * The file's own name, without its folder.
 */
filename: string, 
/**
 * Its size in bytes.
 */
size: number, 
/**
 * `pdf`, `png` or `jpg` by its bytes; `None` for anything else (Stripe refuses it).
 */
file_type: string | null, };

export type EvidenceFilePick = { 
/**
 * The evidence file field (`receipt`, …).
 */
field: string, 
/**
 * Where the file is.
 */
path: string, };

export type EvidenceForm = { 
/**
 * Text fields by Stripe's field name.
 */
text: { [key in string]: string }, 
/**
 * Files to upload, by field.
 */
files: Array<EvidenceFilePick>, };

export type Address = { 
/**
 * Street and number.
 */
line1: string | null, 
/**
 * Apartment, suite, building.
 */
line2: string | null, 
/**
 * City.
 */
city: string | null, 
/**
 * State, county, province or region.
 */
state: string | null, 
/**
 * Postal code.
 */
postal_code: string | null, 
/**
 * ISO 3166-1 alpha-2 country code.
 */
country: string | null, };

export type CustomerInput = { 
/**
 * Full name or company name.
 */
name: string | null, 
/**
 * Billing email.
 */
email: string | null, 
/**
 * Phone number.
 */
phone: string | null, 
/**
 * Billing address.
 */
address: Address | null, 
/**
 * Languages for emails and PDFs, most preferred first (`en`, `fr-FR`).
 */
preferred_locales: Array<string>, 
/**
 * A payment method already attached to the customer (edits only).
 */
default_payment_method: string | null, 
/**
 * Footer printed on the customer's invoices.
 */
invoice_footer: string | null, 
/**
 * Key-value pairs kept with the customer.
 */
metadata: { [key in string]: string }, };

export type CustomerSubscription = { 
/**
 * `sub_…`
 */
id: string, 
/**
 * Stripe's status.
 */
status: string, 
/**
 * End of the current period (from its first item), Unix seconds.
 */
current_period_end: number | null, 
/**
 * Its description, if any.
 */
description: string | null, };

export type CustomerPo = { 
/**
 * The PO's id in Billfold.
 */
po_id: string, 
/**
 * The customer's PO number.
 */
po_number: string, 
/**
 * The PO's status.
 */
status: string, 
/**
 * Currency.
 */
currency: string, 
/**
 * Total, minor units.
 */
total: number, 
/**
 * What is still to be paid, minor units.
 */
balance: number, };

export type CustomerDetail = { 
/**
 * `cus_…`
 */
id: string, 
/**
 * Name.
 */
name: string | null, 
/**
 * Email.
 */
email: string | null, 
/**
 * Phone.
 */
phone: string | null, 
/**
 * Billing address.
 */
address: Address | null, 
/**
 * Preferred locales.
 */
preferred_locales: Array<string>, 
/**
 * Currency of the balance, once set.
 */
currency: string | null, 
/**
 * Balance in minor units (negative = credit).
 */
balance: number, 
/**
 * Whether Stripe marks them delinquent.
 */
delinquent: boolean, 
/**
 * Created, Unix seconds.
 */
created: number, 
/**
 * Default payment method for invoices.
 */
default_payment_method: string | null, 
/**
 * Footer on their invoices.
 */
invoice_footer: string | null, 
/**
 * Metadata.
 */
metadata: { [key in string]: string }, 
/**
 * Their invoices, newest first.
 */
invoices: Array<InvoiceRow>, 
/**
 * Their credit notes, newest first.
 */
credit_notes: Array<CreditNoteRow>, 
/**
 * Refunds of their payments, newest first.
 */
refunds: Array<RefundRow>, 
/**
 * Their subscriptions, newest first.
 */
subscriptions: Array<CustomerSubscription>, 
/**
 * Purchase orders billed to them, newest first.
 */
purchase_orders: Array<CustomerPo>, 
/**
 * Cached events about them or their objects, newest first.
 */
timeline: Array<InvoiceTimelineEntry>, };

export type PoStatus = "draft" | "invoiced" | "partially_paid" | "paid" | "cancelled";

export type PaymentMethod = "stripe" | "check" | "wire" | "ach" | "other";

export type PoLineInput = { 
/**
 * What is billed.
 */
description: string, 
/**
 * How many; more than 0.
 */
quantity: number, 
/**
 * Price of one in major units as typed (`"1,250.00"`).
 */
unit_price: string, };

export type PoInput = { 
/**
 * The customer's PO reference; unique per account.
 */
po_number: string, 
/**
 * The customer organization (the Stripe customer's name).
 */
organization: string, 
/**
 * Who to address.
 */
contact_name: string, 
/**
 * Where Stripe emails the invoice.
 */
contact_email: string, 
/**
 * Optional postal address.
 */
billing_address: string | null, 
/**
 * ISO currency; `None` = the account's default.
 */
currency: string | null, 
/**
 * Days until due; `None` = 30.
 */
payment_terms_days: number | null, 
/**
 * Free text.
 */
notes: string | null, 
/**
 * At least one line.
 */
lines: Array<PoLineInput>, };

export type PoLine = { 
/**
 * 1-based order on the PO.
 */
position: number, 
/**
 * What is billed.
 */
description: string, 
/**
 * How many.
 */
quantity: number, 
/**
 * Price of one, minor units.
 */
unit_amount: number, 
/**
 * quantity × unit_amount, minor units.
 */
amount: number, };

export type PoPayment = { 
/**
 * `pay_…`
 */
id: string, 
/**
 * Minor units of the PO's currency.
 */
amount: number, 
/**
 * How it arrived.
 */
method: PaymentMethod, 
/**
 * Cheque number, wire reference, Stripe invoice number…
 */
reference: string | null, 
/**
 * `YYYY-MM-DD`.
 */
received_on: string, 
/**
 * Free text.
 */
note: string | null, 
/**
 * Whether Stripe's invoice counts it (a Stripe payment, or one marked paid out of band).
 */
recorded_in_stripe: boolean, };

export type NewPayment = { 
/**
 * Major units as typed (`"1,250.00"`).
 */
amount: string, 
/**
 * How it arrived (not `stripe`: those come from sync).
 */
method: PaymentMethod, 
/**
 * Cheque number, wire reference…
 */
reference: string | null, 
/**
 * `YYYY-MM-DD`.
 */
received_on: string, 
/**
 * Free text.
 */
note: string | null, };

export type AuditEntry = { 
/**
 * Row id (newer rows have larger ids).
 */
id: number, 
/**
 * RFC 3339.
 */
at: string, 
/**
 * `created`, `updated`, `issued`, `payment_recorded`, `status`, …
 */
action: string, 
/**
 * The field changed, if one.
 */
field: string | null, 
/**
 * Value before.
 */
old_value: string | null, 
/**
 * Value after.
 */
new_value: string | null, 
/**
 * Stripe's `Request-Id` of the request that made the change.
 */
stripe_request_id: string | null, };

export type TimelineEntry = { 
/**
 * Unix seconds.
 */
at: number, 
/**
 * `created`, `finalized`, `sent`, `payment`, `paid`, `voided`, `uncollectible`, `updated`.
 */
kind: string, 
/**
 * A readable sentence.
 */
label: string, 
/**
 * The amount, for payments.
 */
amount: number | null, };

export type PoSummary = { 
/**
 * `po_…`
 */
id: string, 
/**
 * The customer's reference.
 */
po_number: string, 
/**
 * Customer organization.
 */
organization: string, 
/**
 * Contact email.
 */
contact_email: string, 
/**
 * Lowercase ISO currency of every amount.
 */
currency: string, 
/**
 * Sum of the lines.
 */
total: number, 
/**
 * Sum of the payments.
 */
paid: number, 
/**
 * Sum of the totals of its invoice's credit notes that are not void.
 */
credited: number, 
/**
 * What was refunded of its invoice's payments (refunds failed or canceled left out).
 */
refunded: number, 
/**
 * Still owed: total − (paid − refunded) − credited (0 when covered, overpaid or cancelled).
 */
balance: number, 
/**
 * Where it is.
 */
status: PoStatus, 
/**
 * Past due and still owed.
 */
overdue: boolean, 
/**
 * Stripe's invoice number once issued.
 */
invoice_number: string | null, 
/**
 * Stripe's invoice status (`open`, `paid`, `void`, `uncollectible`).
 */
invoice_status: string | null, 
/**
 * `YYYY-MM-DD`, once issued.
 */
due_date: string | null, 
/**
 * RFC 3339.
 */
created_at: string, };

export type PurchaseOrder = { 
/**
 * The list's view of it.
 */
summary: PoSummary, 
/**
 * Who to address.
 */
contact_name: string, 
/**
 * Postal address.
 */
billing_address: string | null, 
/**
 * Days until due.
 */
payment_terms_days: number, 
/**
 * Free text.
 */
notes: string | null, 
/**
 * Its lines, in order.
 */
lines: Array<PoLine>, 
/**
 * Its payments, oldest first.
 */
payments: Array<PoPayment>, 
/**
 * Its invoice's credit notes from the cache (void ones too), newest first.
 */
credit_notes: Array<CreditNoteRow>, 
/**
 * Paid beyond the total, minor units (0 if not overpaid).
 */
overpaid: number, 
/**
 * Stripe invoice id.
 */
invoice_id: string | null, 
/**
 * The hosted invoice page.
 */
hosted_invoice_url: string | null, 
/**
 * The invoice PDF.
 */
invoice_pdf: string | null, 
/**
 * A payment recorded here is not in Stripe yet: Stripe still shows it as due.
 */
stripe_shows_remainder: boolean, 
/**
 * The invoice's life from Stripe's events, oldest first.
 */
timeline: Array<TimelineEntry>, 
/**
 * Every change, newest first.
 */
audit: Array<AuditEntry>, };

export type PoListQuery = { 
/**
 * Matches PO number, organization, email or invoice number (case-insensitive substrings
 * of 3 or more characters; a shorter search is not applied and the page says so).
 */
search: string | null, 
/**
 * Only this status.
 */
status: PoStatus | null, 
/**
 * Only overdue POs.
 */
overdue_only: boolean, 
/**
 * `po_number`, `organization`, `total`, `balance`, `due_date`, `created_at`, `status`;
 * `None` = overdue first, then newest.
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
 * Rows to return (1–500).
 */
limit: number, 
/**
 * The previous page's `next`: this page starts right after it.
 */
after: string | null, };

export type PoPage = { 
/**
 * Matching POs in all.
 */
total: number, 
/**
 * This page.
 */
rows: Array<PoSummary>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type CsvRowError = { 
/**
 * Row number in the file; the header is row 1.
 */
row: number, 
/**
 * What is wrong.
 */
message: string, };

export type CsvImportReport = { 
/**
 * POs imported (0 when there are errors).
 */
imported: number, 
/**
 * Every error found.
 */
errors: Array<CsvRowError>, };

export type SimulateAction = { "kind": "pay_invoice", 
/**
 * `in_…`
 */
invoiceId: string, 
/**
 * Minor units; `null` pays all that remains (by card).
 */
amount: number | null, } | { "kind": "fail_renewal", 
/**
 * `sub_…`
 */
subscriptionId: string, } | { "kind": "update_card", 
/**
 * `cus_…`
 */
customerId: string, } | { "kind": "open_dispute", 
/**
 * `pi_…`, or `null` when the charge is given.
 */
paymentIntentId: string | null, 
/**
 * `ch_…`, or `null` when the payment intent is given.
 */
chargeId: string | null, } | { "kind": "resolve_dispute", 
/**
 * `dp_…`
 */
disputeId: string, 
/**
 * `won` or `lost`.
 */
outcome: string, } | { "kind": "advance_clock", 
/**
 * Whole days, 1 to 366.
 */
days: number, };

export type SimulationTarget = { 
/**
 * The Stripe id (`sub_…`, `ch_…`, `cus_…`).
 */
id: string, 
/**
 * Who it belongs to, for the menu.
 */
customer: string | null, 
/**
 * Its status now.
 */
status: string, 
/**
 * Amount in minor units (a charge's; a subscription's is not shown).
 */
amount: number | null, 
/**
 * Currency of `amount`.
 */
currency: string | null, };

export type SimulationTargets = { 
/**
 * Subscriptions whose renewal can fail (active, trialing or past due; charged to a card).
 */
subscriptions: Array<SimulationTarget>, 
/**
 * Charges that can be disputed (succeeded, not disputed, not fully refunded).
 */
charges: Array<SimulationTarget>, 
/**
 * Customers whose card failed: those of past-due or unpaid subscriptions charged to a
 * card, each once, with that subscription's status.
 */
customers: Array<SimulationTarget>, 
/**
 * Disputes the bank has yet to decide (awaiting a response or under review).
 */
disputes: Array<SimulationTarget>, };

export type AboutInfo = { 
/**
 * Billfold's version.
 */
version: string, 
/**
 * The folder holding the database (and the demo's saved data).
 */
data_dir: string, 
/**
 * The folder holding the log files.
 */
log_dir: string, };

export type PayoutRow = { 
/**
 * `po_…`
 */
id: string, 
/**
 * Stripe's status: `paid`, `pending`, `in_transit`, `canceled` or `failed`.
 */
status: string, 
/**
 * Minor units.
 */
amount: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * When it reaches (or reached) the bank (Unix seconds).
 */
arrival_date: number, 
/**
 * When it was made (Unix seconds).
 */
created: number, 
/**
 * Whether Stripe made it on the payout schedule (not by hand).
 */
automatic: boolean, 
/**
 * Stripe's `description`, if any.
 */
description: string | null, 
/**
 * Why it failed, when it did.
 */
failure_message: string | null, };

export type PayoutPage = { 
/**
 * Matching payouts in all.
 */
total: number, 
/**
 * This page, latest arrival first unless asked otherwise.
 */
rows: Array<PayoutRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, 
/**
 * Why the search was not applied, when it was not (too short).
 */
search_hint: string | null, };

export type PayoutTransactionRow = { 
/**
 * `txn_…`
 */
id: string, 
/**
 * Stripe's `type`: `charge`, `refund`, `adjustment`, `payment`, …
 */
type: string, 
/**
 * Stripe's `reporting_category` (`charge`, `refund`, `dispute`, …).
 */
reporting_category: string, 
/**
 * The object that moved the funds (`ch_…`, `re_…`, `dp_…`), if any.
 */
source_id: string | null, 
/**
 * The charge behind it (the charge itself, or the refunded or disputed one).
 */
charge_id: string | null, 
/**
 * The customer, when Stripe or the cache knows it.
 */
customer_id: string | null, 
/**
 * The customer's name, when cached.
 */
customer_name: string | null, 
/**
 * Gross amount in minor units (negative takes funds out).
 */
amount: number, 
/**
 * Stripe's fees on it, in minor units.
 */
fee: number, 
/**
 * `amount - fee`.
 */
net: number, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * When it was made (Unix seconds).
 */
created: number, 
/**
 * Stripe's `description`, if any.
 */
description: string | null, };

export type PayoutSums = { 
/**
 * Sum of the gross amounts.
 */
amount: number, 
/**
 * Sum of the fees.
 */
fee: number, 
/**
 * Sum of the net amounts: what the payout should be.
 */
net: number, 
/**
 * Whether `net` equals the payout's amount; when not, the detail warns.
 */
matches_payout: boolean, };

export type PayoutDetail = { 
/**
 * The payout.
 */
payout: PayoutRow, 
/**
 * Its transactions, in Stripe's order (newest first).
 */
transactions: Array<PayoutTransactionRow>, 
/**
 * Their sums.
 */
sums: PayoutSums, 
/**
 * When the transactions were fetched from Stripe (Unix seconds).
 */
fetched_at: number, };

export type BalanceAmount = { 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * Funds that can be paid out, in minor units (negative when refunds and disputes took
 * more than came in).
 */
available: number, 
/**
 * Funds on their way to available, in minor units.
 */
pending: number, };

export type AccountBalance = { 
/**
 * Per currency, in alphabetical order.
 */
amounts: Array<BalanceAmount>, 
/**
 * When it was read from Stripe (Unix seconds).
 */
as_of: number, 
/**
 * Whether this read failed and the answer is the one kept from `as_of`.
 */
stale: boolean, };

export type EventQuery = { 
/**
 * An event type, `*` matching any run of characters (`invoice.*`, `*.paid`).
 */
event_type: string | null, 
/**
 * Only events about this object (`in_…`, `po_…`).
 */
object_id: string | null, 
/**
 * Rows to return (1–500).
 */
limit: number, 
/**
 * The previous page's `next`: this page starts right after it.
 */
after: string | null, };

export type EventRow = { 
/**
 * `evt_…`
 */
id: string, 
/**
 * `invoice.paid`, …
 */
type: string, 
/**
 * When Stripe made it (Unix seconds).
 */
created: number, 
/**
 * The `object` of the object it is about (`invoice`), if any.
 */
object_type: string | null, 
/**
 * The id of the object it is about, if any.
 */
object_id: string | null, 
/**
 * How it arrived: `poll` or `webhook`.
 */
source: string, 
/**
 * When Billfold applied it to the cache (Unix seconds); unknown for events cached before
 * Billfold recorded it.
 */
applied_at: number | null, };

export type EventPage = { 
/**
 * Events matching in all.
 */
total: number, 
/**
 * This page, newest first.
 */
rows: Array<EventRow>, 
/**
 * The cursor right after this page, when more rows follow.
 */
next: string | null, };

export type EventDetail = { 
/**
 * The row.
 */
event: EventRow, 
/**
 * The event's JSON, indented.
 */
json: string, };

export type Granularity = "day" | "week" | "month";

export type RevenueRow = { 
/**
 * The period's label (`2026-03-02`, `2026-W10`, `2026-03`), or `total`.
 */
period: string, 
/**
 * Charges collected.
 */
gross: number, 
/**
 * Refunded, less refunds that failed.
 */
refunds: number, 
/**
 * Taken back by lost disputes, less what won disputes returned.
 */
disputes_lost: number, 
/**
 * Any other movement (adjustments, Stripe's own fees billed as transactions).
 */
other: number, 
/**
 * Stripe's fees.
 */
fees: number, 
/**
 * What reached the balance: gross − refunds − disputes lost + other − fees.
 */
net: number, };

export type RevenueCurrency = { 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * One row per period, in order.
 */
rows: Array<RevenueRow>, 
/**
 * The whole range.
 */
total: RevenueRow, };

export type RevenueReport = { 
/**
 * How the range is cut.
 */
granularity: Granularity, 
/**
 * The periods' labels, in order.
 */
periods: Array<string>, 
/**
 * Per currency, most gross first (never converted).
 */
currencies: Array<RevenueCurrency>, };

export type AgingBucketName = "current" | "days_1_30" | "days_31_60" | "days_61_90" | "over_90";

export type AgingAmounts = { 
/**
 * Not yet due.
 */
current: number, 
/**
 * 1–30 days past due.
 */
days_1_30: number, 
/**
 * 31–60 days past due.
 */
days_31_60: number, 
/**
 * 61–90 days past due.
 */
days_61_90: number, 
/**
 * More than 90 days past due.
 */
over_90: number, 
/**
 * All of it.
 */
total: number, 
/**
 * Open invoices counted.
 */
invoices: number, };

export type AgingCustomer = { 
/**
 * The account the customer belongs to.
 */
account_id: string, 
/**
 * The Stripe customer, when the invoice names one.
 */
customer_id: string | null, 
/**
 * The customer's name (or email) as cached.
 */
name: string | null, 
/**
 * What they owed.
 */
amounts: AgingAmounts, };

export type AgingCurrency = { 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * Every customer together.
 */
total: AgingAmounts, 
/**
 * Per customer, most owed first.
 */
customers: Array<AgingCustomer>, };

export type AgingReport = { 
/**
 * The day, `YYYY-MM-DD`.
 */
as_of: string, 
/**
 * Per currency, most owed first (never converted).
 */
currencies: Array<AgingCurrency>, };

export type AgingInvoice = { 
/**
 * Its account.
 */
account_id: string, 
/**
 * The Stripe invoice id.
 */
invoice_id: string, 
/**
 * Its number.
 */
number: string | null, 
/**
 * Its customer.
 */
customer_id: string | null, 
/**
 * The customer's name (or email).
 */
customer_name: string | null, 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * When it was due, Unix seconds.
 */
due_date: number | null, 
/**
 * Whole days past due as of the day (0 or less: not yet due).
 */
days_past_due: number, 
/**
 * Its bucket.
 */
bucket: AgingBucketName, 
/**
 * What it still owed, minor units.
 */
owed: number, };

export type AgingInvoicePage = { 
/**
 * The invoices behind the figure in all.
 */
total: number, 
/**
 * This page.
 */
rows: Array<AgingInvoice>, };

export type AgingSort = "days_past_due" | "owed" | "due_date" | "number" | "customer";

export type TopBy = "revenue" | "open_balance";

export type TopCustomer = { 
/**
 * The account the customer belongs to.
 */
account_id: string, 
/**
 * The Stripe customer.
 */
customer_id: string | null, 
/**
 * Name (or email) as cached.
 */
name: string | null, 
/**
 * What it is ranked by: revenue, or open balance; minor units.
 */
amount: number, 
/**
 * Revenue: charges collected. Open balance: 0.
 */
gross: number, 
/**
 * Revenue: refunded and lost to disputes. Open balance: 0.
 */
refunded: number, 
/**
 * Open balance: past due. Revenue: 0.
 */
overdue: number, };

export type TopCustomersCurrency = { 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * Highest first, at most the limit asked for.
 */
customers: Array<TopCustomer>, };

export type TopCustomersReport = { 
/**
 * The ranking.
 */
by: TopBy, 
/**
 * Per currency, in code order.
 */
currencies: Array<TopCustomersCurrency>, };

export type DashboardMoney = { 
/**
 * Lowercase ISO currency.
 */
currency: string, 
/**
 * Revenue over the range.
 */
revenue: RevenueRow, 
/**
 * Revenue over the range before it (last month for this month).
 */
previous_revenue: RevenueRow, 
/**
 * Open invoices' amount remaining now.
 */
open_receivables: number, 
/**
 * The part of it past its due date.
 */
overdue: number, 
/**
 * Monthly recurring revenue now, as the MRR report counts it ([`crate::mrr`]).
 */
mrr: number, 
/**
 * MRR's change since the end of last month; None where the currency has no MRR history.
 */
mrr_change: number | null, };

export type DashboardCounts = { 
/**
 * The account.
 */
account_id: string, 
/**
 * Its name.
 */
account_name: string, 
/**
 * Subscriptions active or past due (the ones MRR counts).
 */
active_subscriptions: number, 
/**
 * Payments that failed within the range.
 */
failed_payments: number, 
/**
 * Disputes waiting for evidence or an answer.
 */
disputes_needing_response: number, 
/**
 * Draft invoices.
 */
draft_invoices: number, 
/**
 * Purchase orders not yet invoiced.
 */
draft_purchase_orders: number, 
/**
 * Open invoices past their due date.
 */
overdue_invoices: number, };

export type DashboardFigures = { 
/**
 * The range's first and last day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * The range's last day.
 */
to: string, 
/**
 * The range compared with, first day.
 */
previous_from: string, 
/**
 * The range compared with, last day.
 */
previous_to: string, 
/**
 * Per currency (never converted), most revenue first.
 */
money: Array<DashboardMoney>, 
/**
 * Per account in scope.
 */
counts: Array<DashboardCounts>, };

export type ExportKind = "invoices" | "payments" | "refunds" | "credit_notes" | "payouts" | "po_journal";

export type ExportRequest = { 
/**
 * Which export.
 */
kind: ExportKind, 
/**
 * First day (`YYYY-MM-DD`, UTC), included.
 */
from: string, 
/**
 * Last day (`YYYY-MM-DD`, UTC), included.
 */
to: string, 
/**
 * One account, or every account when absent (then rows start with the account's name).
 */
account_id?: string, };

export type ExportProgress = { 
/**
 * Rows written so far.
 */
rows: number, 
/**
 * Rows the export will have.
 */
total: number, };

export type ExportSummary = { 
/**
 * Where the file is.
 */
path: string, 
/**
 * Its file name.
 */
file_name: string, 
/**
 * Rows written, without the header.
 */
rows: number, };

export type ExportOutcome = { "status": "saved" } & ExportSummary | { "status": "canceled" };

export type ColumnKind = "text" | "money" | "count" | "date" | "percent";

export type TableColumn = { 
/**
 * The header cell.
 */
name: string, 
/**
 * What its cells hold.
 */
kind: ColumnKind, };

export type TableValue = number | string;

export type ReportTable = { 
/**
 * The report's title; it names the suggested file.
 */
title: string, 
/**
 * The columns, in order.
 */
columns: Array<TableColumn>, 
/**
 * The rows: one value (or null) per column.
 */
rows: Array<Array<TableValue | null>>, 
/**
 * The currency of every money cell, when the table has one.
 */
currency?: string, 
/**
 * The currency of each row's money cells, when rows differ (wins over `currency`).
 */
row_currencies?: Array<string>, };
