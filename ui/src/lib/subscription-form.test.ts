// The subscription form's checks, as the core makes them: one currency, no price twice, whole
// quantities, a trial within Stripe's two years, terms only when an invoice is sent.
import { describe, expect, it } from 'vitest';
import { MAX_ITEMS, newSubscriptionForm, refusal, toNewSubscription } from './subscription-form';
import { recurringPrice } from '../test-support/subscriptions';

const NOW = 1_800_000_000;

function filled() {
  const form = newSubscriptionForm('cus_1');
  form.items.push({ price: recurringPrice(), quantity: '2' });
  return form;
}

describe('subscription form', () => {
  it('turns a filled form into the input, with no due days when charging automatically', () => {
    const form = filled();
    form.days_until_due = 'ignored';
    expect(toNewSubscription(form, NOW)).toEqual({
      input: {
        customer: { kind: 'existing', customer_id: 'cus_1' },
        items: [{ price_id: 'price_team', quantity: 2 }],
        trial: { kind: 'none' },
        collection_method: 'charge_automatically',
        days_until_due: null,
        payment_behavior: 'allow_incomplete',
        metadata: {},
        coupon_id: null,
      },
      problems: [],
    });
  });

  it('refuses a second currency, a price twice, and more items than Stripe takes', () => {
    const form = filled();
    expect(refusal(form, recurringPrice({ id: 'price_eur', currency: 'eur' }))).toContain('in EUR, the others in USD');
    expect(refusal(form, recurringPrice())).toBe('This price is already an item: change its quantity instead.');
    expect(refusal(form, recurringPrice({ id: 'price_other' }))).toBeNull();
    for (let index = form.items.length; index < MAX_ITEMS; index++) form.items.push({ price: recurringPrice({ id: `price_${index}` }), quantity: '1' });
    expect(refusal(form, recurringPrice({ id: 'price_more' }))).toBe(`Stripe takes at most ${MAX_ITEMS} items on one subscription.`);
  });

  it('checks quantities and trials', () => {
    const form = filled();
    form.items[0].quantity = '1.5';
    form.trial_mode = 'days';
    form.trial_days = '731';
    const fields = toNewSubscription(form, NOW).problems.map((problem) => problem.field);
    expect(fields).toEqual(['item-0-quantity', 'trial_days']);

    form.items[0].quantity = '3';
    form.trial_mode = 'until';
    form.trial_until = 'not a day';
    expect(toNewSubscription(form, NOW).problems).toEqual([{ field: 'trial_until', message: 'Pick the day the trial ends.' }]);
  });

  it('needs an email for a new customer', () => {
    const form = filled();
    form.customer_mode = 'by_email';
    form.email = 'not-an-email';
    expect(toNewSubscription(form, NOW).problems).toEqual([{ field: 'email', message: '“not-an-email” is not an email address.' }]);
  });
});
