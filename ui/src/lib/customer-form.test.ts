// The customer editor's draft: what it sends and what it refuses.
import { describe, expect, it } from 'vitest';
import { draftOf, draftProblems, emptyDraft, inputOf } from './customer-form';
import { customerDetail } from '../test-support/customers';

describe('customer draft', () => {
  it('sends no address when every line of it is blank, and trims what it sends', () => {
    const input = inputOf({ ...emptyDraft(), name: ' Crab Labs ', locales: ' en ,, fr-CA ' });
    expect(input).toEqual({
      name: 'Crab Labs',
      email: null,
      phone: null,
      address: null,
      preferred_locales: ['en', 'fr-CA'],
      default_payment_method: null,
      invoice_footer: null,
      metadata: {},
    });
  });

  it('sends back what it was given when nothing is changed', () => {
    const customer = customerDetail({ default_payment_method: 'pm_1' });
    const { name, email, phone, address, preferred_locales, default_payment_method, invoice_footer, metadata } = customer;
    expect(inputOf(draftOf(customer))).toEqual({
      name, email, phone, address, preferred_locales, default_payment_method, invoice_footer, metadata,
    });
  });

  it('refuses a customer with neither name nor email, and repeated or long metadata keys', () => {
    expect(draftProblems(emptyDraft())).toEqual({ name: 'Give a name or an email' });
    const twice = { ...emptyDraft(), name: 'A', metadata: [{ key: 'k', value: '1' }, { key: ' k ', value: '2' }] };
    expect(draftProblems(twice).metadata).toBe('Metadata keys must differ');
    const long = { ...emptyDraft(), name: 'A', metadata: [{ key: 'k'.repeat(41), value: '1' }] };
    expect(draftProblems(long).metadata).toBe('Metadata keys are at most 40 characters');
  });
});
