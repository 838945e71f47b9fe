// The customer editor: what it sends on create and on edit, the checks that keep a wrong form
// from being sent, and the warning about another customer with the same email.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { CustomerInput } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { customerDetail, paymentMethod } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

function backendWith(handlers: Record<string, Handler> = {}) {
  return fakeBackend({
    get_customer: ({ customerId }: { customerId: string }) => customerDetail({ id: customerId }),
    refresh_customer_payment_methods: () => [paymentMethod(), paymentMethod({ id: 'pm_2', last4: '0005', is_default: false })],
    refresh_customer_balance_transactions: () => [],
    customers_with_email: () => [],
    create_customer: ({ input }: { input: CustomerInput }) => customerDetail({ id: 'cus_new', ...input }),
    update_customer: ({ customerId, input }: { customerId: string; input: CustomerInput }) =>
      customerDetail({ id: customerId, ...input }),
    ...handlers,
  });
}

async function openEditor(view: { kind: 'new' } | { kind: 'edit'; id: string }) {
  render(App);
  await screen.findByTestId('nav-customers');
  router.showCustomer(view);
  return screen.findByTestId('customer-editor');
}

describe('customer editor', () => {
  it('creates a customer with what was typed, blanks as null, and opens it', async () => {
    const backend = backendWith();
    await openEditor({ kind: 'new' });
    await type('customer-field-name', '  Crab Labs ');
    await type('customer-field-email', 'billing@crab.example');
    await type('customer-field-line1', '2 Shell Street');
    await type('customer-field-city', 'Berlin');
    await type('customer-field-country', 'de');
    await type('customer-field-locales', 'de, en-GB');
    await type('customer-field-footer', 'VAT DE123456789');
    await fireEvent.click(screen.getByTestId('customer-metadata-add'));
    await type('customer-metadata-key', 'crm_id');
    await type('customer-metadata-value', '77');
    await fireEvent.click(screen.getByTestId('customer-save'));

    await waitFor(() => expect(router.customer).toEqual({ kind: 'detail', id: 'cus_new' }));
    expect(backend.argsOf('create_customer')).toEqual([
      {
        accountId: 'a1',
        input: {
          name: 'Crab Labs',
          email: 'billing@crab.example',
          phone: null,
          address: { line1: '2 Shell Street', line2: null, city: 'Berlin', state: null, postal_code: null, country: 'DE' },
          preferred_locales: ['de', 'en-GB'],
          default_payment_method: null,
          invoice_footer: 'VAT DE123456789',
          metadata: { crm_id: '77' },
        },
      },
    ]);
    await screen.findByTestId('customer-name');
    expect(backend.argsOf('get_customer')).toEqual([{ accountId: 'a1', customerId: 'cus_new' }]);
  });

  it('edits a customer: its fields filled in, the default payment method picked from its own', async () => {
    const backend = backendWith();
    await openEditor({ kind: 'edit', id: 'cus_1' });
    expect((screen.getByTestId('customer-field-name') as HTMLInputElement).value).toBe('Ferris Foundation');
    expect((screen.getByTestId('customer-field-locales') as HTMLInputElement).value).toBe('en');
    await waitFor(() => expect(screen.getByTestId('customer-field-payment-method').querySelectorAll('option')).toHaveLength(3));
    await fireEvent.change(screen.getByTestId('customer-field-payment-method'), { target: { value: 'pm_2' } });
    await type('customer-field-phone', '');
    await fireEvent.click(screen.getByTestId('customer-save'));

    await waitFor(() => expect(backend.argsOf('update_customer')).toHaveLength(1));
    const [{ accountId, customerId, input }] = backend.argsOf('update_customer');
    expect({ accountId, customerId }).toEqual({ accountId: 'a1', customerId: 'cus_1' });
    expect(input).toEqual({
      name: 'Ferris Foundation',
      email: 'ap@ferris.example',
      phone: null,
      address: { line1: '1 Crab Way', line2: null, city: 'Portland', state: 'OR', postal_code: '97201', country: 'US' },
      preferred_locales: ['en'],
      default_payment_method: 'pm_2',
      invoice_footer: 'Thank you for sponsoring.',
      metadata: { crm_id: '42' },
    });
    await waitFor(() => expect(router.customer).toEqual({ kind: 'detail', id: 'cus_1' }));
  });

  it('warns when another customer has the email, with a link to that customer', async () => {
    const backend = backendWith({
      customers_with_email: () => [
        { id: 'cus_1', name: 'Ferris Foundation', email: 'ap@ferris.example', currency: 'usd', balance: 0, delinquent: false, created: 1 },
        { id: 'cus_9', name: 'Ferris Foundation (old)', email: 'ap@ferris.example', currency: 'usd', balance: 0, delinquent: false, created: 2 },
      ],
    });
    await openEditor({ kind: 'edit', id: 'cus_1' });
    await fireEvent.blur(screen.getByTestId('customer-field-email'));
    // The customer being edited is not "another customer".
    await waitFor(() => expect(text('customer-duplicate-email')).toBe('Another customer has this email: Ferris Foundation (old)'));
    expect(backend.argsOf('customers_with_email')).toEqual([{ accountId: 'a1', email: 'ap@ferris.example' }]);

    await fireEvent.click(screen.getByRole('button', { name: 'Ferris Foundation (old)' }));
    expect(router.customer).toEqual({ kind: 'detail', id: 'cus_9' });
  });

  it('says nothing when no other customer has the email, and drops the warning once the email changes', async () => {
    let others = 1;
    backendWith({
      customers_with_email: () =>
        others-- > 0
          ? [{ id: 'cus_9', name: 'Old', email: 'a@b.example', currency: null, balance: 0, delinquent: false, created: 2 }]
          : [],
    });
    await openEditor({ kind: 'new' });
    await type('customer-field-email', 'a@b.example');
    await fireEvent.blur(screen.getByTestId('customer-field-email'));
    await waitFor(() => expect(screen.getByTestId('customer-duplicate-email')).toBeTruthy());
    await type('customer-field-email', 'c@d.example');
    expect(screen.queryByTestId('customer-duplicate-email')).toBeNull();
    await fireEvent.blur(screen.getByTestId('customer-field-email'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('customer-duplicate-email')).toBeNull();
  });

  it('refuses a wrong email, country, language or metadata key, sending nothing', async () => {
    const backend = backendWith();
    await openEditor({ kind: 'new' });
    await type('customer-field-email', 'not-an-email');
    await fireEvent.blur(screen.getByTestId('customer-field-email'));
    expect(text('customer-email-error')).toBe('Type an email like ap@example.com');
    expect(backend.argsOf('customers_with_email')).toHaveLength(0);

    await type('customer-field-country', 'Germany');
    await type('customer-field-locales', 'en, English');
    await fireEvent.click(screen.getByTestId('customer-metadata-add'));
    await type('customer-metadata-value', 'orphan');
    await fireEvent.click(screen.getByTestId('customer-save'));
    const form = text('customer-editor');
    expect(form).toContain('Use the two-letter country code, like US or DE');
    expect(form).toContain('“English” is not a language tag like en or fr-CA');
    expect(form).toContain('Every metadata row needs a key');
    expect(backend.argsOf('create_customer')).toHaveLength(0);
  });

  it('shows Rust’s refusal and stays on the form', async () => {
    backendWith({
      create_customer: () => {
        throw { code: 'validation', message: 'The name is longer than 256 characters.' };
      },
    });
    await openEditor({ kind: 'new' });
    await type('customer-field-name', 'Crab Labs');
    await fireEvent.click(screen.getByTestId('customer-save'));
    await waitFor(() => expect(text('customer-save-error')).toBe('The name is longer than 256 characters.'));
    expect(router.customer).toEqual({ kind: 'new' });
  });
});
