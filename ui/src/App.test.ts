// UI unit tests with Tauri's IPC mocked: what the screens show and what they send to Rust.
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings';
import { account, fakeBackend, overview, resetApp } from './test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

describe('first run', () => {
  it('shows the add-account form and sends exactly what was typed', async () => {
    let accounts: AccountView[] = [];
    const backend = fakeBackend({
      app_overview: () => overview(accounts, accounts[0]?.id ?? null),
      add_account: () => {
        accounts = [account()];
        return accounts[0];
      },
    });
    render(App);
    await screen.findByTestId('first-run');

    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: 'RustConf 2027' } });
    await fireEvent.input(screen.getByTestId('account-key'), { target: { value: 'sk_test_abcdefgh1234' } });
    await fireEvent.submit(screen.getByTestId('add-account-form'));

    await screen.findByTestId('account-switcher');
    expect(backend.argsOf('add_account')).toEqual([{
      input: { name: 'RustConf 2027', secret_key: 'sk_test_abcdefgh1234', default_currency: 'usd' },
    }]);
  });

  it('shows the error message from Rust and stays on the form', async () => {
    fakeBackend({
      app_overview: () => overview([], null),
      add_account: () => {
        throw { code: 'stripe_auth', message: 'Stripe rejected the API key: Invalid API Key provided' };
      },
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
    fakeBackend({ app_overview: () => overview([], null) });
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
    fakeBackend({
      app_overview: () => overview(accounts, active),
      switch_account: ({ id }: { id: string }) => {
        active = id;
        return accounts.find((a) => a.id === active);
      },
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
    fakeBackend();
    render(App);
    await screen.findByTestId('view-dashboard');
    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect(screen.getByTestId('view-settings')).toBeTruthy();
    expect(screen.getByTestId('accounts-table').textContent).toContain('sk_test_…4f2a');
    await fireEvent.click(screen.getByTestId('nav-catalog'));
    expect(await screen.findByTestId('catalog-view')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('nav-subscriptions'));
    expect(await screen.findByTestId('subscriptions-empty')).toBeTruthy();
  });

  it('shows a start-up error instead of the app', async () => {
    fakeBackend({
      app_overview: () => {
        throw { code: 'store_newer_version', message: 'This database was written by a newer version of Billfold' };
      },
    });
    render(App);
    const error = await screen.findByTestId('startup-error');
    expect(error.textContent).toContain('newer version of Billfold');
  });
});
