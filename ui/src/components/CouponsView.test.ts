// The Coupons area: the cached coupons as people read them, and a new coupon checked as typed
// and sent to Rust (basis points, never a float) only when it can be.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CouponsView from './CouponsView.svelte';
import { app } from '../lib/app-state.svelte';
import { account, emitFromRust, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { couponRow } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

async function open(handlers: Record<string, Handler>) {
  const backend = fakeBackend(handlers);
  app.accounts = [account()];
  app.activeId = 'a1';
  render(CouponsView);
  return backend;
}

const rows = () => screen.getAllByTestId('coupon-row').map((row) => (row.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('coupons', () => {
  it('lists coupons with what they take off, for how long and their use', async () => {
    await open({
      list_coupons: () => [
        couponRow({ id: 'EARLY', name: 'Early bird', percent_off_bp: 2550, duration: 'repeating', duration_in_months: 3, times_redeemed: 2, max_redemptions: 10 }),
        couponRow({ id: 'SPONSOR', name: 'Sponsor', percent_off_bp: null, amount_off: 50000, currency: 'eur', duration: 'forever' }),
        couponRow({ id: 'OLD', name: 'Old', valid: false }),
      ],
    });
    await screen.findByTestId('coupons-table');
    const [early, sponsor, old] = rows();
    expect(early).toContain('25.5 % off');
    expect(early).toContain('for 3 months');
    expect(early).toContain('2 of 10 used');
    expect(sponsor).toContain('€500.00 off');
    expect(sponsor).toContain('forever');
    expect(old).toContain('No longer redeemable');
  });

  it('says when there are none, and re-reads when Rust says coupons changed', async () => {
    let coupons = [] as ReturnType<typeof couponRow>[];
    await open({ list_coupons: () => coupons });
    await screen.findByTestId('coupons-empty');
    coupons = [couponRow()];
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['coupons'] });
    await screen.findByTestId('coupons-table');
    expect(rows()[0]).toContain('20 % off');
  });

  it('checks a new coupon as typed and sends nothing until it is right', async () => {
    const backend = await open({ list_coupons: () => [] });
    await fireEvent.click(await screen.findByTestId('coupon-new'));
    await fireEvent.click(screen.getByTestId('coupon-save'));
    expect(screen.getByTestId('coupon-name-problem').textContent).toContain('1 to 40 characters');
    expect(screen.getByTestId('coupon-percent-problem').textContent).toContain('at most 100');
    await fireEvent.input(screen.getByTestId('coupon-name'), { target: { value: 'Early bird' } });
    await fireEvent.input(screen.getByTestId('coupon-percent'), { target: { value: '120' } });
    await fireEvent.click(screen.getByTestId('coupon-duration-repeating'));
    await fireEvent.input(screen.getByTestId('coupon-months'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('coupon-save'));
    expect(screen.getByTestId('coupon-months-problem')).toBeTruthy();
    expect(backend.argsOf('create_coupon')).toEqual([]);
  });

  it('creates a percentage coupon in basis points and an amount coupon in minor units', async () => {
    const backend = await open({ list_coupons: () => [], create_coupon: () => couponRow({ id: 'NEW', name: 'Early bird' }) });
    await fireEvent.click(await screen.findByTestId('coupon-new'));
    await fireEvent.input(screen.getByTestId('coupon-name'), { target: { value: ' Early bird ' } });
    await fireEvent.input(screen.getByTestId('coupon-percent'), { target: { value: '12.5' } });
    await fireEvent.click(screen.getByTestId('coupon-duration-repeating'));
    await fireEvent.input(screen.getByTestId('coupon-months'), { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('coupon-save'));
    await waitFor(() => expect(screen.getByTestId('coupon-notice').textContent).toContain('Early bird'));
    expect(backend.argsOf('create_coupon')).toEqual([
      {
        accountId: 'a1',
        input: {
          name: 'Early bird',
          value: { kind: 'percent', basis_points: 1250 },
          duration: 'repeating',
          duration_in_months: 6,
          max_redemptions: null,
          redeem_by: null,
          applies_to_products: [],
        },
      },
    ]);
    await fireEvent.click(screen.getByTestId('coupon-new'));
    await fireEvent.input(screen.getByTestId('coupon-name'), { target: { value: 'Sponsor' } });
    await fireEvent.click(screen.getByTestId('coupon-kind-amount'));
    await fireEvent.input(screen.getByTestId('coupon-amount'), { target: { value: '1,250.50' } });
    await fireEvent.input(screen.getByTestId('coupon-currency'), { target: { value: 'EUR' } });
    await fireEvent.click(screen.getByTestId('coupon-duration-forever'));
    await fireEvent.click(screen.getByTestId('coupon-save'));
    await waitFor(() => expect(backend.argsOf('create_coupon')).toHaveLength(2));
    expect(backend.argsOf('create_coupon')[1]).toMatchObject({
      input: { value: { kind: 'amount', amount: 125050, currency: 'eur' }, duration: 'forever', duration_in_months: null },
    });
  });

  it('keeps the form and shows Stripe’s refusal', async () => {
    await open({ list_coupons: () => [], create_coupon: () => Promise.reject({ code: 'stripe_error', message: 'Invalid percent_off' }) });
    await fireEvent.click(await screen.findByTestId('coupon-new'));
    await fireEvent.input(screen.getByTestId('coupon-name'), { target: { value: 'X' } });
    await fireEvent.input(screen.getByTestId('coupon-percent'), { target: { value: '10' } });
    await fireEvent.click(screen.getByTestId('coupon-save'));
    expect((await screen.findByTestId('coupon-save-error')).textContent).toBe('Invalid percent_off');
    expect(screen.getByTestId('coupon-form')).toBeTruthy();
  });
});
