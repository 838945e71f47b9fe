// The one place that talks to the Rust side. Every command's result and error type comes
// from the generated bindings; errors always arrive as {code, message}.
import { invoke } from '@tauri-apps/api/core';
import type { AccountView, AppOverview, ErrorPayload, NewAccount } from './bindings';

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
};

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return !!value && typeof value === 'object' && 'code' in value && 'message' in value;
}
