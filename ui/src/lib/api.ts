// The one place that talks to the Rust side. Every command's result and error type comes
// from the generated bindings; errors always arrive as {code, message}.
import { invoke } from '@tauri-apps/api/core';
import type {
  AccountView,
  AppOverview,
  CustomerPage,
  ErrorPayload,
  InvoicePage,
  ListQuery,
  NewAccount,
  RequestLogEntry,
  SimulateAction,
  SimulationTargets,
  SyncSettings,
  SyncStatus,
} from './bindings';

function asErrorPayload(err: unknown): ErrorPayload {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return err as ErrorPayload;
  }
  return { code: 'internal', message: String(err) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw asErrorPayload(err);
  }
}

export const api = {
  appOverview: () => call<AppOverview>('app_overview'),
  listAccounts: () => call<AccountView[]>('list_accounts'),
  addAccount: (input: NewAccount) => call<AccountView>('add_account', { input }),
  renameAccount: (id: string, name: string) => call<AccountView>('rename_account', { id, name }),
  switchAccount: (id: string) => call<AccountView>('switch_account', { id }),
  removeAccount: (id: string) => call<null>('remove_account', { id }),
  setWebhookSecret: (id: string, secret: string | null) =>
    call<AccountView>('set_webhook_secret', { id, secret }),
  /** Starts a sync now and returns at once; progress arrives as `sync-progress` events. */
  syncNow: (accountId: string) => call<null>('sync_now', { accountId }),
  cancelSync: (accountId: string) => call<null>('cancel_sync', { accountId }),
  syncStatus: (accountId: string) => call<SyncStatus>('sync_status', { accountId }),
  /** Newest first; `beforeId` pages back past the oldest entry already shown. */
  listRequestLog: (accountId: string, limit: number, beforeId: number | null) =>
    call<RequestLogEntry[]>('list_request_log', { accountId, limit, beforeId }),
  listCustomers: (accountId: string, query: ListQuery) => call<CustomerPage>('list_customers', { accountId, query }),
  listInvoices: (accountId: string, query: ListQuery) => call<InvoicePage>('list_invoices', { accountId, query }),
  getSyncSettings: () => call<SyncSettings>('get_sync_settings'),
  setSyncSettings: (settings: SyncSettings) => call<SyncSettings>('set_sync_settings', { settings }),
  /** Starts the demo (two conferences on the built-in emulator); the first becomes active. */
  startDemo: () => call<AccountView[]>('start_demo'),
  resetDemo: () => call<AccountView[]>('reset_demo'),
  removeDemo: () => call<null>('remove_demo'),
  /** Acts as the customer on a demo account's emulator, then syncs the account. */
  simulate: (accountId: string, action: SimulateAction) => call<null>('simulate', { accountId, action }),
  simulationTargets: (accountId: string) => call<SimulationTargets>('simulation_targets', { accountId }),
};

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return !!value && typeof value === 'object' && 'code' in value && 'message' in value;
}
