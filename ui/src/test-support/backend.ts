// A fake Rust side for UI tests: answers every command the shell makes with harmless defaults,
// records what was asked, and lets a test override single commands and emit events.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type {
  AccountView,
  AgingAmounts,
  DashboardCounts,
  DashboardFigures,
  RevenueRow,
  AppOverview,
  InvoiceRow,
  PoListQuery,
  PoSummary,
  PurchaseOrder,
  SyncSettings,
  SyncStatus,
} from '../lib/bindings';
import { app } from '../lib/app-state.svelte';
import { connectEvents, disconnectEvents } from '../lib/events';
import { router } from '../lib/router.svelte';
import { copyPlan } from './catalog';

/** IPC arguments are plain JSON; tests read the fields they expect. */
type Args = any;
export type Handler = (args: Args) => unknown;

export function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    id: 'a1',
    name: 'RustConf 2027',
    slug: 'rustconf-2027',
    default_currency: 'usd',
    mode: 'test',
    api_base: 'https://api.stripe.com/',
    uses_stripe_api: true,
    masked_key: 'sk_test_…4f2a',
    has_webhook_secret: false,
    is_active: true,
    created_at: '2026-11-23T10:00:00Z',
    is_demo: false,
    ...overrides,
  };
}

export function overview(accounts: AccountView[], active: string | null): AppOverview {
  return { accounts, active_account_id: active, active_sync_status: null };
}

export function syncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    account_id: 'a1',
    last_attempt_at: null,
    last_success_at: null,
    last_error: null,
    objects_synced: 0,
    state: 'idle',
    poll_interval_secs: 60,
    next_poll_at: null,
    revision: 0,
    ...overrides,
  };
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  poll_interval_secs: 60,
  listener_enabled: false,
  listener_bind: '127.0.0.1',
  listener_port: 4243,
};

const DEFAULTS: Record<string, Handler> = {
  app_overview: () => overview([account()], 'a1'),
  sync_status: (args) => syncStatus({ account_id: args.accountId }),
  sync_now: () => null,
  cancel_sync: () => null,
  list_customers: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  list_invoices: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  list_request_log: () => [],
  list_events: () => ({ total: 0, rows: [], next: null }),
  list_payouts: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  account_balance: () => ({ amounts: [], as_of: 1_800_000_000, stale: false }),
  list_operations: () => [],
  list_catalog: () => [],
  plan_catalog_copy: () => copyPlan(),
  apply_catalog_copy: () => ({ operation_id: null, counts: copyPlan().counts }),
  export_catalog: () => '',
  list_subscriptions: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  dunning_queue: () => [],
  list_coupons: () => [],
  list_payments: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  list_refunds: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  get_sync_settings: () => DEFAULT_SYNC_SETTINGS,
  get_dunning_rule: () => ({ enabled: false, failed_payments: 3, action: 'review' }),
  set_dunning_rule: (args) => args.rule,
  get_notification_settings: () => ({ payment_failures: true, disputes: true }),
  set_notification_settings: (args) => args.settings,
  list_purchase_orders: () => ({ total: 0, rows: [], next: null, search_hint: null }),
  dashboard_figures: (args) => dashboardFigures({ from: args.from, to: args.to }),
  revenue_report: (args) => ({ granularity: args.granularity, periods: [], currencies: [] }),
  aging_report: (args) => ({ as_of: args.asOf, currencies: [] }),
  aging_invoices: () => ({ total: 0, rows: [] }),
  top_customers: (args) => ({ by: args.by, currencies: [] }),
  preview_subscription_change: (args) => ({
    proration_date: args.input.proration_date,
    currency: 'usd',
    lines: [],
    due_now: 0,
    next_invoice_total: 0,
    proration_total: 0,
  }),
  change_subscription: () => {
    throw { code: 'internal', message: 'no change_subscription handler in this test' };
  },
};

/** The dashboard's figures: nothing in any currency and every count 0 unless overridden. */
export function dashboardFigures(overrides: Partial<DashboardFigures> = {}): DashboardFigures {
  return { from: '2026-03-01', to: '2026-03-31', previous_from: '2026-02-01', previous_to: '2026-02-28', money: [], counts: [], ...overrides };
}

/** One account's dashboard counts, all 0 unless overridden. */
export function dashboardCounts(overrides: Partial<DashboardCounts> = {}): DashboardCounts {
  return {
    account_id: 'a1',
    account_name: 'RustConf 2027',
    active_subscriptions: 0,
    failed_payments: 0,
    disputes_needing_response: 0,
    draft_invoices: 0,
    draft_purchase_orders: 0,
    overdue_invoices: 0,
    ...overrides,
  };
}

/** A revenue row of a period, zeros unless overridden. */
export function revenueRow(overrides: Partial<RevenueRow> = {}): RevenueRow {
  return { period: '2026-03', gross: 0, refunds: 0, disputes_lost: 0, other: 0, fees: 0, net: 0, ...overrides };
}

/** Aging amounts, zeros unless overridden; the total is the buckets' sum. */
export function agingAmounts(overrides: Partial<AgingAmounts> = {}): AgingAmounts {
  const amounts = { current: 0, days_1_30: 0, days_31_60: 0, days_61_90: 0, over_90: 0, total: 0, invoices: 1, ...overrides };
  amounts.total = amounts.current + amounts.days_1_30 + amounts.days_31_60 + amounts.days_61_90 + amounts.over_90;
  return amounts;
}

/** An invoice as the invoice list shows it: an open USD invoice unless overridden. */
export function invoiceRow(overrides: Partial<InvoiceRow> = {}): InvoiceRow {
  return {
    id: 'in_1',
    number: 'RC-0001',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    status: 'open',
    currency: 'usd',
    total: 150000,
    amount_due: 150000,
    amount_paid: 0,
    amount_remaining: 150000,
    due_date: 1_800_000_000,
    created: 1_799_000_000,
    ...overrides,
  };
}

/** A PO as the list shows it: an open USD invoice unless overridden. */
export function poSummary(overrides: Partial<PoSummary> = {}): PoSummary {
  return {
    id: 'po_1',
    po_number: 'PO-1001',
    organization: 'Ferris Foundation',
    contact_email: 'ap@ferris.example',
    currency: 'usd',
    total: 375000,
    paid: 0,
    credited: 0,
    refunded: 0,
    balance: 375000,
    status: 'invoiced',
    overdue: false,
    invoice_number: 'RC-0001',
    invoice_status: 'open',
    due_date: '2027-04-03',
    created_at: '2027-03-04T10:00:00Z',
    ...overrides,
  };
}

/** A PO in full, built on `poSummary`; three lines adding up to its total by default. */
export function purchaseOrder(
  overrides: Partial<Omit<PurchaseOrder, 'summary'>> = {},
  summary: Partial<PoSummary> = {},
): PurchaseOrder {
  return {
    summary: poSummary(summary),
    contact_name: 'Ada Lovelace',
    billing_address: null,
    payment_terms_days: 30,
    notes: null,
    lines: [
      { position: 0, description: 'Gold sponsorship', quantity: 1, unit_amount: 250000, amount: 250000 },
      { position: 1, description: 'Booth', quantity: 2, unit_amount: 50000, amount: 100000 },
      { position: 2, description: 'Extra badges', quantity: 5, unit_amount: 5000, amount: 25000 },
    ],
    payments: [],
    credit_notes: [],
    overpaid: 0,
    invoice_id: 'in_1',
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test_1',
    invoice_pdf: 'https://pay.stripe.com/invoice/acct_1/test_1/pdf',
    stripe_shows_remainder: false,
    timeline: [],
    audit: [],
    ...overrides,
  };
}

/** What the core says of a search text too short for its trigram index (it then lists all rows). */
export const SHORT_SEARCH_HINT = 'Type at least 3 characters to search.';

/** The search text the core applies (null when there is none or it is too short), and its hint. */
export function searchOf(query: { search: string | null }): { needle: string | null; hint: string | null } {
  const text = query.search?.trim().toLowerCase() ?? '';
  if (!text) return { needle: null, hint: null };
  if (text.length < 3) return { needle: null, hint: SHORT_SEARCH_HINT };
  return { needle: text, hint: null };
}

/** The fake's opaque cursor right after `offset` rows. */
export const cursorAt = (offset: number) => `after:${offset}`;

/**
 * One page of `rows` (already filtered and sorted) the way the core answers it: `next` is the
 * cursor after the page's last row, null at the end. A query's `after` must be the cursor for
 * its `offset` (what the core seeks from), else this throws, so a UI mixing them up fails.
 */
export function pageOf<T>(
  rows: T[],
  query: { offset: number; limit: number; after: string | null },
  hint: string | null = null,
) {
  if (query.after !== null && query.after !== cursorAt(query.offset)) {
    throw new Error(`cursor ${query.after} does not match offset ${query.offset}`);
  }
  const page = rows.slice(query.offset, query.offset + query.limit);
  const end = query.offset + page.length;
  return { total: rows.length, rows: page, next: end < rows.length ? cursorAt(end) : null, search_hint: hint };
}

/**
 * Answers `list_purchase_orders` from `rows` the way the core does: search in PO number,
 * organization, email and invoice number (from 3 characters; shorter text gives a hint); status
 * and overdue filters; overdue first, then newest, unless a sort key is given; then the page.
 */
export function poListFrom(rows: PoSummary[]): Handler {
  return ({ query }: { query: PoListQuery }) => {
    const { needle, hint } = searchOf(query);
    const matches = rows.filter(
      (row) =>
        (!query.status || row.status === query.status) &&
        (!query.overdue_only || row.overdue) &&
        (!needle ||
          [row.po_number, row.organization, row.contact_email, row.invoice_number ?? ''].some((text) =>
            text.toLowerCase().includes(needle),
          )),
    );
    const key = query.sort as keyof PoSummary | null;
    const sorted = [...matches].sort((a, b) => {
      if (key) {
        const [x, y] = [a[key] ?? '', b[key] ?? ''];
        const order = x < y ? -1 : x > y ? 1 : 0;
        return query.descending ? -order : order;
      }
      return Number(b.overdue) - Number(a.overdue) || b.created_at.localeCompare(a.created_at);
    });
    return pageOf(sorted, query, hint);
  };
}

// Event listeners by event name (callback ids), as Rust holds them.
const listeners = new Map<string, number[]>();
let nextEventId = 1;
// Counts fakes: a listen still on its way when a new fake is installed is dropped.
let installed = 0;

/**
 * Rust's side of `listen`: like the real app, a listener counts only once its IPC call has
 * reached Rust, a moment after `listen` is called, so code that subscribes late misses events.
 */
function eventPlugin(cmd: string, args: Args): unknown {
  if (cmd === 'plugin:event|listen') {
    const fake = installed;
    return new Promise((resolve) =>
      setTimeout(() => {
        if (fake === installed) listeners.set(args.event, [...(listeners.get(args.event) ?? []), args.handler]);
        resolve(args.handler);
      }, 0),
    );
  }
  if (cmd === 'plugin:event|unlisten') {
    listeners.set(args.event, (listeners.get(args.event) ?? []).filter((id) => id !== args.eventId));
    return null;
  }
  throw new Error(`unexpected ${cmd}`);
}

/**
 * Installs the fake; `handlers` replace the defaults for the commands they name. The app's
 * event connection is made as `main.ts` makes it; await `connectEvents()` to be sure it is up.
 */
export function fakeBackend(handlers: Record<string, Handler> = {}) {
  const calls: Array<{ cmd: string; args: Args }> = [];
  installed++;
  listeners.clear();
  mockIPC((cmd, args) => {
    if (cmd.startsWith('plugin:event|')) return eventPlugin(cmd, args);
    calls.push({ cmd, args });
    const handler = handlers[cmd] ?? DEFAULTS[cmd];
    if (!handler) throw new Error(`unexpected ${cmd}`);
    return handler(args);
  });
  // A new fake drops the old one's listeners: connect anew.
  disconnectEvents();
  void connectEvents();
  return {
    calls,
    /** The arguments of every call of `cmd`, oldest first. */
    argsOf: (cmd: string) => calls.filter((call) => call.cmd === cmd).map((call) => call.args),
  };
}

/** Lets pending IPC promises and effects (event subscriptions included) run. */
export async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Emits an event the way Rust would, to the listeners Rust has at this moment. */
export function emitNow(event: string, payload: unknown) {
  for (const id of listeners.get(event) ?? []) {
    (window as any).__TAURI_INTERNALS__.runCallback(id, { event, id: nextEventId++, payload });
  }
}

/** Emits an event the way Rust would, once the views have subscribed. */
export async function emitFromRust(event: string, payload: unknown) {
  await settle();
  emitNow(event, payload);
  await settle();
}

/** Undoes everything a test left behind in the mocks and the app state. */
export function resetApp() {
  disconnectEvents();
  clearMocks();
  installed++;
  listeners.clear();
  app.loaded = false;
  app.accounts = [];
  app.activeId = null;
  app.syncStatuses = {};
  router.reset();
}
