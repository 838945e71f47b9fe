// The credit-note form: what it sends by amount and by line, the explanation for an open and a
// paid invoice, the paid-invoice split that must add up, and Stripe's preview required for
// exactly what is typed before the credit note can be issued.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CreditNoteForm from './CreditNoteForm.svelte';
import type { CreditNoteInput, InvoiceDetail } from '../lib/bindings';
import { fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { creditableInvoice, creditNotePreview, creditNoteRow, paidInvoice } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });
const button = (testid: string) => screen.getByTestId(testid) as HTMLButtonElement;

/** Answers previews from the input's amount or line units, as Stripe would for these invoices. */
function previewOf(invoice: InvoiceDetail): Handler {
  return ({ input }: { input: CreditNoteInput }) => {
    const byLines = input.lines.reduce((sum, line) => {
      const invoiceLine = invoice.lines.find((candidate) => candidate.id === line.invoice_line_id);
      return sum + line.quantity * (invoiceLine?.unit_amount ?? 0);
    }, 0);
    return creditNotePreview(input.amount ?? byLines, invoice.amount_remaining, invoice.status);
  };
}

function mount(invoice: InvoiceDetail, handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({
    preview_credit_note: previewOf(invoice),
    create_credit_note: ({ input }: { input: CreditNoteInput }) => creditNoteRow({ total: input.amount ?? 0 }),
    ...handlers,
  });
  const onDone = vi.fn();
  const onCancel = vi.fn();
  render(CreditNoteForm, { props: { accountId: 'a1', invoice, onDone, onCancel } });
  return { backend, onDone, onCancel };
}

describe('credit note form', () => {
  it('on an open invoice, previews then issues a credit by amount', async () => {
    const { backend, onDone } = mount(creditableInvoice());
    expect(text('credit-explain')).toContain('This invoice is open: the credit note lowers its amount due, $1,500.00 now.');
    expect(screen.queryByTestId('credit-split')).toBeNull();
    expect(button('credit-preview-button').disabled).toBe(true);
    expect(button('credit-issue').disabled).toBe(true);

    await type('credit-amount', '200');
    await fireEvent.change(screen.getByTestId('credit-reason'), { target: { value: 'order_change' } });
    await type('credit-memo', ' Two fewer badges ');
    expect(button('credit-issue').disabled).toBe(true);
    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(text('credit-preview-total')).toBe('$200.00'));
    expect(text('credit-preview-remaining')).toBe('$1,300.00');
    expect(button('credit-issue').disabled).toBe(false);

    await fireEvent.click(button('credit-issue'));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    const input = {
      invoice_id: 'in_1',
      amount: 20000,
      lines: [],
      reason: 'order_change',
      memo: 'Two fewer badges',
      refund_amount: 0,
      credit_amount: 0,
      out_of_band_amount: 0,
    };
    expect(backend.argsOf('preview_credit_note')).toEqual([{ accountId: 'a1', input }]);
    expect(backend.argsOf('create_credit_note')).toEqual([{ accountId: 'a1', input }]);
    expect(onDone.mock.calls[0][0]).toMatchObject({ id: 'cn_1', total: 20000 });
  });

  it('credits units of the lines', async () => {
    const { backend } = mount(creditableInvoice());
    await fireEvent.click(screen.getByTestId('credit-mode-lines'));
    await type('credit-qty-il_2', '1');
    expect(text('credit-check')).toBe('Credit note total $250.00.');
    await type('credit-qty-il_2', '3');
    expect(text('credit-problem')).toBe('Booth: at most 2 units');
    expect(button('credit-preview-button').disabled).toBe(true);
    await type('credit-qty-il_2', '2');
    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(text('credit-preview-total')).toBe('$500.00'));
    expect(backend.argsOf('preview_credit_note')[0].input).toMatchObject({
      amount: null,
      lines: [{ invoice_line_id: 'il_2', quantity: 2 }],
    });
  });

  it('refuses zero, too many decimals and more than can be credited, sending nothing', async () => {
    const { backend } = mount(creditableInvoice({ creditable_amount: 50000 }));
    await type('credit-amount', '0');
    expect(text('credit-problem')).toBe('Type an amount more than zero');
    await type('credit-amount', '1.234');
    expect(text('credit-problem')).toBe('USD has at most 2 decimals');
    await type('credit-amount', '500.01');
    expect(text('credit-problem')).toBe('At most $500.00 can still be credited on this invoice');
    expect(button('credit-preview-button').disabled).toBe(true);
    await fireEvent.click(button('credit-preview-button'));
    expect(backend.argsOf('preview_credit_note')).toHaveLength(0);
  });

  it('on a paid invoice, blocks preview and issue until refund, credit and out of band add up', async () => {
    const invoice = paidInvoice();
    const { backend } = mount(invoice);
    expect(text('credit-explain')).toContain('This invoice is paid ($1,500.00)');
    await type('credit-amount', '300');
    expect(text('credit-problem')).toBe(
      'Refund, credit to balance and out of band add up to $0.00; they must add up to the credit note’s $300.00',
    );
    await type('credit-refund', '100');
    await type('credit-balance', '150');
    expect(text('credit-problem')).toContain('add up to $250.00; they must add up to the credit note’s $300.00');
    expect(button('credit-preview-button').disabled).toBe(true);
    await fireEvent.click(button('credit-preview-button'));
    expect(backend.argsOf('preview_credit_note')).toHaveLength(0);

    await type('credit-out-of-band', '50');
    expect(text('credit-check')).toBe('Credit note total $300.00.');
    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(button('credit-issue').disabled).toBe(false));
    expect(backend.argsOf('preview_credit_note')[0].input).toMatchObject({
      amount: 30000,
      refund_amount: 10000,
      credit_amount: 15000,
      out_of_band_amount: 5000,
    });

    // Moving money between the parts after the preview needs a new one, and a mismatch blocks issuing.
    await type('credit-out-of-band', '40');
    expect(button('credit-issue').disabled).toBe(true);
    await fireEvent.click(button('credit-issue'));
    expect(backend.argsOf('create_credit_note')).toHaveLength(0);
  });

  it('puts the whole total in one part with a click', async () => {
    mount(paidInvoice());
    await type('credit-amount', '1,234.56');
    await fireEvent.click(screen.getAllByRole('button', { name: 'All of it' })[0]);
    expect((screen.getByTestId('credit-refund') as HTMLInputElement).value).toBe('1234.56');
    expect(text('credit-check')).toBe('Credit note total $1,234.56.');
  });

  it('asks for a new preview after any change, and issues what the new preview showed', async () => {
    const { backend, onDone } = mount(creditableInvoice());
    await type('credit-amount', '100');
    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(text('credit-preview-total')).toBe('$100.00'));

    await type('credit-memo', 'Late change');
    expect(screen.queryByTestId('credit-preview')).toBeNull();
    expect(text('credit-preview-stale')).toBe('Changed since the preview: preview again before issuing.');
    expect(button('credit-issue').disabled).toBe(true);
    await fireEvent.click(button('credit-issue'));
    expect(backend.argsOf('create_credit_note')).toHaveLength(0);

    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(button('credit-issue').disabled).toBe(false));
    await fireEvent.click(button('credit-issue'));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(backend.argsOf('preview_credit_note')).toHaveLength(2);
    expect(backend.argsOf('create_credit_note')[0].input.memo).toBe('Late change');
  });

  it('shows Stripe’s refusal of the preview and keeps issuing disabled', async () => {
    mount(creditableInvoice(), {
      preview_credit_note: () => {
        throw { code: 'validation', message: 'The invoice is no longer open.' };
      },
    });
    await type('credit-amount', '10');
    await fireEvent.click(button('credit-preview-button'));
    await waitFor(() => expect(text('credit-error')).toBe('The invoice is no longer open.'));
    expect(button('credit-issue').disabled).toBe(true);
  });

  it('cancels', async () => {
    const { onCancel } = mount(creditableInvoice());
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});
