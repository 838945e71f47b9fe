// A fake Rust side for UI tests: answers every command the shell makes with harmless defaults,
// records what was asked, and lets a test override single commands and emit events.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { AccountView, AppOverview, SyncSettings, SyncStatus } from '../lib/bindings';
import { app } from '../lib/app-state.svelte';

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
  list_customers: () => ({ total: 0, rows: [] }),
  list_invoices: () => ({ total: 0, rows: [] }),
  list_request_log: () => [],
  get_sync_settings: () => DEFAULT_SYNC_SETTINGS,
};

/** Installs the fake; `handlers` replace the defaults for the commands they name. */
export function fakeBackend(handlers: Record<string, Handler> = {}) {
  const calls: Array<{ cmd: string; args: Args }> = [];
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd] ?? DEFAULTS[cmd];
      if (!handler) throw new Error(`unexpected ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
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

/** Emits an event the way Rust would, once the views have subscribed. */
export async function emitFromRust(event: string, payload: unknown) {
  await settle();
  await emit(event, payload);
  await settle();
}

/** Undoes everything a test left behind in the mocks and the app state. */
export function resetApp() {
  clearMocks();
  app.loaded = false;
  app.accounts = [];
  app.activeId = null;
  app.syncStatus = null;
}
