// UI unit tests with Tauri's IPC mocked: what the screens show and what they send to Rust.
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';
import { mockIPC, clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { app } from './lib/app-state.svelte';
import type { AccountView, AppOverview } from './lib/bindings';

function account(overrides: Partial<AccountView> = {}): AccountView {
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
    ...overrides,
  };
}

function overview(accounts: AccountView[], active: string | null): AppOverview {
  return { accounts, active_account_id: active, active_sync_status: null };
}

afterEach(() => {
  cleanup();
  clearMocks();
  app.loaded = false;
  app.accounts = [];
  app.activeId = null;
});

describe('first run', () => {
  it('shows the add-account form and sends exactly what was typed', async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let accounts: AccountView[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'app_overview') return overview(accounts, accounts[0]?.id ?? null);
      if (cmd === 'add_account') {
        accounts = [account()];
        return accounts[0];
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(App);
    await screen.findByTestId('first-run');

    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: 'RustConf 2027' } });
    await fireEvent.input(screen.getByTestId('account-key'), { target: { value: 'sk_test_abcdefgh1234' } });
    await fireEvent.submit(screen.getByTestId('add-account-form'));

    await screen.findByTestId('account-switcher');
    const add = calls.find((call) => call.cmd === 'add_account');
    expect(add?.args).toEqual({
      input: { name: 'RustConf 2027', secret_key: 'sk_test_abcdefgh1234', default_currency: 'usd' },
    });
  });

  it('shows the error message from Rust and stays on the form', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_overview') return overview([], null);
      if (cmd === 'add_account') throw { code: 'stripe_auth', message: 'Stripe rejected the API key: Invalid API Key provided' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(App);
    await screen.findByTestId('first-run');
    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: 'X' } });
    await fireEvent.input(screen.getByTestId('account-key'), { target: { value: 'sk_test_wrongwrong' } });
    await fireEvent.submit(screen.getByTestId('add-account-form'));
    const alert = await screen.findByTestId('add-account-error');
    expect(alert.textContent).toContain('Stripe rejected the API key');
    expect(screen.getByTestId('first-run')).toBeTruthy();
  });

  it('warns when a live key is typed', async () => {
    mockIPC((cmd) => (cmd === 'app_overview' ? overview([], null) : null));
    render(App);
    await screen.findByTestId('first-run');
    expect(screen.queryByText('Live mode: real money')).toBeNull();
    await fireEvent.input(screen.getByTestId('account-key'), { target: { value: 'sk_live_' + 'abcdefgh1234' } });
    expect(screen.getByText('Live mode: real money')).toBeTruthy();
  });
});

describe('shell', () => {
  it('switches accounts through the switcher and marks live ones', async () => {
    let active = 'a1';
    const accounts = [account(), account({ id: 'a2', name: 'Live Expo', mode: 'live', is_active: false })];
    mockIPC((cmd, args) => {
      if (cmd === 'app_overview') return overview(accounts, active);
      if (cmd === 'switch_account') {
        active = (args as { id: string }).id;
        return accounts.find((a) => a.id === active);
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(App);
    const switcher = (await screen.findByTestId('account-switcher')) as HTMLSelectElement;
    expect(switcher.value).toBe('a1');
    expect(screen.queryByTestId('live-banner')).toBeNull();

    await fireEvent.change(switcher, { target: { value: 'a2' } });
    await waitFor(() => expect(screen.getByTestId('active-mode').textContent).toBe('live'));
    expect(active).toBe('a2');
    expect(screen.getByTestId('live-banner')).toBeTruthy();
  });

  it('navigates between areas with buttons', async () => {
    mockIPC((cmd) => (cmd === 'app_overview' ? overview([account()], 'a1') : null));
    render(App);
    await screen.findByTestId('view-dashboard');
    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect(screen.getByTestId('view-settings')).toBeTruthy();
    expect(screen.getByTestId('accounts-table').textContent).toContain('sk_test_…4f2a');
  });

  it('shows a start-up error instead of the app', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_overview') throw { code: 'store_newer_version', message: 'This database was written by a newer version of Billfold' };
      return null;
    });
    render(App);
    const error = await screen.findByTestId('startup-error');
    expect(error.textContent).toContain('newer version of Billfold');
  });
});
