// The demo from the UI's side: the first-run button, the banner only on demo accounts, and
// what the Simulate menu sends to Rust.
import { render, screen, fireEvent, cleanup, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { AccountView } from '../lib/bindings';
import { account, fakeBackend, overview, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const demo = (id: string, name: string) => account({ id, name, is_demo: true, api_base: 'http://127.0.0.1:4000/', uses_stripe_api: false });

const OPEN_INVOICE = {
  id: 'in_1', number: 'RCE-0001', customer_id: 'cus_1', customer_name: 'Globex Corporation', customer_email: null,
  status: 'open', currency: 'eur', total: 350000, amount_due: 350000, amount_paid: 0, amount_remaining: 350000,
  due_date: null, created: 1_790_000_000,
};

describe('demo', () => {
  it('starts from the first-run screen and lands on the demo account with its banner', async () => {
    let accounts: AccountView[] = [];
    const backend = fakeBackend({
      app_overview: () => overview(accounts, accounts[0]?.id ?? null),
      start_demo: () => {
        accounts = [demo('d1', 'RustConf Europe 2027'), demo('d2', 'FinOps Summit 2027')];
        return accounts;
      },
      list_invoices: () => ({ total: 0, rows: [] }),
      simulation_targets: () => ({ subscriptions: [], charges: [], customers: [], disputes: [] }),
    });
    render(App);
    await screen.findByTestId('first-run');
    await fireEvent.click(screen.getByTestId('try-demo'));
    const banner = await screen.findByTestId('demo-banner');
    expect(banner.textContent).toContain('Demo data — nothing leaves this computer');
    expect(backend.argsOf('start_demo')).toHaveLength(1);
  });

  it('shows no banner and no Simulate menu on a real account', async () => {
    fakeBackend({ app_overview: () => overview([account()], 'a1') });
    render(App);
    await screen.findByTestId('account-switcher');
    expect(screen.queryByTestId('demo-banner')).toBeNull();
    expect(screen.queryByTestId('simulate-menu')).toBeNull();
  });

  it('pays an open invoice in full or in part, in minor units', async () => {
    const backend = fakeBackend({
      app_overview: () => overview([demo('d1', 'RustConf Europe 2027')], 'd1'),
      list_invoices: () => ({ total: 1, rows: [OPEN_INVOICE] }),
      simulation_targets: () => ({ subscriptions: [], charges: [], customers: [], disputes: [] }),
      simulate: () => null,
    });
    render(App);
    const menu = await screen.findByTestId('simulate-menu');
    const details = menu.closest('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    await fireEvent.click(await screen.findByTestId('simulate-pay-full'));
    await screen.findByTestId('simulate-result');
    await fireEvent.input(screen.getByTestId('simulate-amount'), { target: { value: '1,000.50' } });
    await fireEvent.click(screen.getByTestId('simulate-pay-part'));
    await waitFor(() => expect(backend.argsOf('simulate')).toHaveLength(2));
    expect(backend.argsOf('simulate')).toEqual([
      { accountId: 'd1', action: { kind: 'pay_invoice', invoiceId: 'in_1', amount: null } },
      { accountId: 'd1', action: { kind: 'pay_invoice', invoiceId: 'in_1', amount: 100050 } },
    ]);
  });

  it('lets the customer of a failed payment update their card, saying nothing is paid yet', async () => {
    const failed = { id: 'cus_9', customer: 'Initech', status: 'past_due', amount: null, currency: null };
    const backend = fakeBackend({
      app_overview: () => overview([demo('d1', 'RustConf Europe 2027')], 'd1'),
      list_invoices: () => ({ total: 0, rows: [] }),
      simulation_targets: () => ({ subscriptions: [], charges: [], customers: [failed], disputes: [] }),
      simulate: () => null,
    });
    render(App);
    const menu = await screen.findByTestId('simulate-menu');
    const details = menu.closest('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    const choice = await screen.findByTestId('simulate-customer');
    expect(choice.textContent).toContain('Initech · past_due');
    await fireEvent.click(screen.getByTestId('simulate-update-card'));
    const result = await screen.findByTestId('simulate-result');
    expect(result.textContent).toContain('The customer put a working card on file; nothing is paid until the next retry or Retry now.');
    expect(backend.argsOf('simulate')).toEqual([{ accountId: 'd1', action: { kind: 'update_card', customerId: 'cus_9' } }]);
  });
  it('shows the actions only once it knows their targets, so none moves under the pointer', async () => {
    let answer: (targets: unknown) => void = () => {};
    fakeBackend({
      app_overview: () => overview([demo('d1', 'RustConf Europe 2027')], 'd1'),
      list_invoices: () => ({ total: 1, rows: [OPEN_INVOICE] }),
      simulation_targets: () => new Promise((resolve) => (answer = resolve)),
    });
    render(App);
    const menu = await screen.findByTestId('simulate-menu');
    const details = menu.closest('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    await screen.findByTestId('simulate-loading');
    expect(screen.queryByTestId('simulate-month')).toBeNull();
    expect(screen.queryByTestId('simulate-pay-full')).toBeNull();
    answer({ subscriptions: [], charges: [], customers: [], disputes: [] });
    await screen.findByTestId('simulate-month');
    expect(screen.getByTestId('simulate-invoice').textContent).toContain('RCE-0001');
    expect(screen.queryByTestId('simulate-loading')).toBeNull();
  });
});
