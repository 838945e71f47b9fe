// The invoice editor's form as typed, and how it turns into what the core takes: a new
// invoice's input or a draft's changes. The checks mirror the core's and Stripe's rules so a
// mistake is named next to its field before anything is sent; the core checks everything again.
import { MAX_AMOUNT, parseMajor, parseQuantity } from './po';
import { minorToDecimal, currencyExponent } from './format';
import type {
  CollectionMethod,
  CustomerChoice,
  DraftChanges,
  InvoiceDetail,
  LineChange,
  NewInvoiceInput,
  NewInvoiceLine,
} from './bindings';

/** Stripe prints at most four custom fields on an invoice. */
export const MAX_CUSTOM_FIELDS = 4;
/** Stripe's limits on a custom field's name and value. */
export const CUSTOM_NAME_MAX = 40;
export const CUSTOM_VALUE_MAX = 140;
/** Metadata limits: Stripe's 50 keys less Billfold's own `operation_id`, key and value lengths. */
export const METADATA_MAX_KEYS = 49;
export const RESERVED_METADATA_KEY = 'operation_id';
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;
/** Stripe keeps at most 250 items on one invoice. */
export const MAX_LINES = 250;
/** Stripe's longest payment terms, in days. */
export const MAX_DAYS_UNTIL_DUE = 3650;

/** One line as typed: a catalog price (its amount fixed by the price) or an ad hoc line. */
export interface LineForm {
  /** The cached line's id when editing a draft; null for a line added here. */
  line_id: string | null;
  price_id: string | null;
  /** The catalog price's currency, which must be the invoice's. */
  price_currency: string | null;
  description: string;
  quantity: string;
  /** Major units as typed; for a catalog line, the price's amount shown read-only. */
  unit_price: string;
}

/** The whole form as typed. */
export interface InvoiceForm {
  customer_mode: 'existing' | 'by_email';
  customer_id: string;
  /** The picked customer's currency, once known: Stripe keeps a customer to one currency. */
  customer_currency: string | null;
  email: string;
  name: string;
  currency: string;
  collection_method: CollectionMethod;
  due_mode: 'days' | 'date';
  days: string;
  /** `YYYY-MM-DD`. */
  due_date: string;
  lines: LineForm[];
  memo: string;
  footer: string;
  /** A draft's coupon: `keep` leaves its discounts, `remove` drops them, else a coupon id. */
  coupon: string;
  custom_fields: Array<{ name: string; value: string }>;
  metadata: Array<{ key: string; value: string }>;
}

/** A problem with one field; `field` names it (`email`, `line-0-quantity`, …). */
export interface FormProblem {
  field: string;
  message: string;
}

/** An empty ad hoc line. */
export function blankLine(): LineForm {
  return { line_id: null, price_id: null, price_currency: null, description: '', quantity: '1', unit_price: '' };
}

/** A new invoice's form, for `customerId` when given. */
export function newForm(currency: string, customerId?: string): InvoiceForm {
  return {
    customer_mode: 'existing',
    customer_id: customerId ?? '',
    customer_currency: null,
    email: '',
    name: '',
    currency: currency.toUpperCase(),
    collection_method: 'send_invoice',
    due_mode: 'days',
    days: '30',
    due_date: '',
    lines: [blankLine()],
    memo: '',
    footer: '',
    coupon: 'keep',
    custom_fields: [],
    metadata: [],
  };
}

/** `YYYY-MM-DD` of unix seconds in the user's time zone. */
export function isoDay(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A draft's form, filled from what is cached of it. */
export function formOf(detail: InvoiceDetail): InvoiceForm {
  const exponent = currencyExponent(detail.currency);
  return {
    customer_mode: 'existing',
    customer_id: detail.customer_id ?? '',
    customer_currency: detail.currency,
    email: '',
    name: '',
    currency: detail.currency.toUpperCase(),
    collection_method: detail.collection_method === 'charge_automatically' ? 'charge_automatically' : 'send_invoice',
    due_mode: detail.due_date === null ? 'days' : 'date',
    days: '30',
    due_date: detail.due_date === null ? '' : isoDay(detail.due_date),
    lines: detail.lines.map((line) => ({
      line_id: line.id,
      price_id: line.price_id,
      price_currency: line.price_id ? detail.currency : null,
      description: line.description ?? '',
      quantity: String(line.quantity ?? 1),
      unit_price: line.unit_amount === null ? '' : minorToDecimal(line.unit_amount, exponent),
    })),
    memo: detail.memo ?? '',
    footer: detail.footer ?? '',
    coupon: 'keep',
    custom_fields: detail.custom_fields.map((field) => ({ ...field })),
    metadata: Object.entries(detail.metadata).map(([key, value]) => ({ key, value })),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The end of `YYYY-MM-DD` in the user's time zone, as unix seconds; null when not a date. */
export function endOfDay(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
  if (date.getMonth() !== Number(match[2]) - 1) return null;
  return Math.floor(date.getTime() / 1000);
}

/** What was checked: the values read from the form, and every problem found. */
interface Checked {
  problems: FormProblem[];
  customer: CustomerChoice | null;
  currency: string;
  days_until_due: number | null;
  due_date: number | null;
  lines: Array<{ form: LineForm; quantity: number; unit_amount: number | null }>;
  custom_fields: Array<{ name: string; value: string }>;
  metadata: { [key in string]: string };
}

function checkCustomer(form: InvoiceForm, problems: FormProblem[]): CustomerChoice | null {
  if (form.customer_mode === 'existing') {
    if (form.customer_id.trim()) return { kind: 'existing', customer_id: form.customer_id.trim() };
    problems.push({ field: 'customer', message: 'Pick a customer, or create one by email.' });
    return null;
  }
  const email = form.email.trim();
  const name = form.name.trim();
  if (!email) problems.push({ field: 'email', message: 'Type the new customer’s email.' });
  else if (!EMAIL.test(email)) problems.push({ field: 'email', message: `“${email}” is not an email address.` });
  return email && EMAIL.test(email) ? { kind: 'by_email', email, name } : null;
}

/** `keptDay`: a draft's own due day, which may have passed: it is not sent again. */
function checkTerms(form: InvoiceForm, problems: FormProblem[], now: number, keptDay: string | null) {
  if (form.collection_method !== 'send_invoice') return { days_until_due: null, due_date: null };
  if (form.due_mode === 'days') {
    const days = parseQuantity(form.days);
    if (days === null || days < 0 || days > MAX_DAYS_UNTIL_DUE) {
      problems.push({ field: 'days', message: `Days until due must be a whole number from 0 to ${MAX_DAYS_UNTIL_DUE}.` });
      return { days_until_due: null, due_date: null };
    }
    return { days_until_due: days, due_date: null };
  }
  const due = endOfDay(form.due_date);
  if (due === null) problems.push({ field: 'due_date', message: 'Pick the due date.' });
  else if (due <= now && form.due_date !== keptDay) problems.push({ field: 'due_date', message: 'The due date must be in the future.' });
  return { days_until_due: null, due_date: due };
}

function checkLines(form: InvoiceForm, currency: string, problems: FormProblem[]) {
  if (form.lines.length === 0) problems.push({ field: 'lines', message: 'Add at least one line.' });
  if (form.lines.length > MAX_LINES) problems.push({ field: 'lines', message: `Stripe takes at most ${MAX_LINES} lines.` });
  return form.lines.map((line, index) => {
    const quantity = parseQuantity(line.quantity);
    if (quantity === null || quantity < 1) {
      problems.push({ field: `line-${index}-quantity`, message: `Line ${index + 1}: the quantity must be a whole number of at least 1.` });
    }
    let unit_amount: number | null = null;
    if (line.price_id && line.price_currency && line.price_currency.toLowerCase() !== currency) {
      problems.push({
        field: `line-${index}-price`,
        message: `Line ${index + 1}: the catalog price is in ${line.price_currency.toUpperCase()}, the invoice in ${currency.toUpperCase()}.`,
      });
    }
    if (!line.price_id) {
      if (!line.description.trim()) {
        problems.push({ field: `line-${index}-description`, message: `Line ${index + 1}: type a description.` });
      }
      const price = parseMajor(line.unit_price, currency);
      if (price.error !== null) problems.push({ field: `line-${index}-price`, message: `Line ${index + 1}: ${price.error}.` });
      else if (quantity !== null && quantity * price.minor > MAX_AMOUNT) {
        problems.push({ field: `line-${index}-price`, message: `Line ${index + 1}: the amount is more than Stripe’s 8-digit limit.` });
      }
      unit_amount = price.minor;
    }
    return { form: line, quantity: quantity ?? 0, unit_amount };
  });
}

function checkCustomFields(form: InvoiceForm, problems: FormProblem[]) {
  if (form.custom_fields.length > MAX_CUSTOM_FIELDS) {
    problems.push({ field: 'custom-fields', message: `Stripe prints at most ${MAX_CUSTOM_FIELDS} custom fields.` });
  }
  return form.custom_fields.map((field, index) => {
    const name = field.name.trim();
    const value = field.value.trim();
    if (!name || name.length > CUSTOM_NAME_MAX) {
      problems.push({ field: `custom-${index}-name`, message: `Custom field ${index + 1}: the name takes 1 to ${CUSTOM_NAME_MAX} characters.` });
    }
    if (!value || value.length > CUSTOM_VALUE_MAX) {
      problems.push({ field: `custom-${index}-value`, message: `Custom field ${index + 1}: the value takes 1 to ${CUSTOM_VALUE_MAX} characters.` });
    }
    return { name, value };
  });
}

function checkMetadata(form: InvoiceForm, problems: FormProblem[]) {
  const metadata: { [key in string]: string } = {};
  const rows = form.metadata.filter((row) => row.key.trim() || row.value.trim());
  if (rows.length > METADATA_MAX_KEYS) problems.push({ field: 'metadata', message: `Stripe keeps at most ${METADATA_MAX_KEYS} metadata keys.` });
  form.metadata.forEach((row, index) => {
    const key = row.key.trim();
    if (!key && !row.value.trim()) return;
    if (key === RESERVED_METADATA_KEY) {
      problems.push({ field: `meta-${index}-key`, message: `Metadata ${index + 1}: “${key}” is Billfold’s own key.` });
    } else if (!key || key.length > METADATA_KEY_MAX || /[[\]]/.test(key)) {
      problems.push({ field: `meta-${index}-key`, message: `Metadata ${index + 1}: the key takes 1 to ${METADATA_KEY_MAX} characters, without [ or ].` });
    } else if (key in metadata) {
      problems.push({ field: `meta-${index}-key`, message: `Metadata ${index + 1}: the key “${key}” is used twice.` });
    }
    if (row.value.length > METADATA_VALUE_MAX) {
      problems.push({ field: `meta-${index}-value`, message: `Metadata ${index + 1}: the value takes at most ${METADATA_VALUE_MAX} characters.` });
    }
    metadata[key] = row.value;
  });
  return metadata;
}

function check(form: InvoiceForm, now: number, keptDay: string | null = null): Checked {
  const problems: FormProblem[] = [];
  const customer = checkCustomer(form, problems);
  const currency = form.currency.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) problems.push({ field: 'currency', message: 'The currency is a 3-letter code like USD.' });
  else if (form.customer_mode === 'existing' && form.customer_currency && form.customer_currency.toLowerCase() !== currency) {
    problems.push({
      field: 'currency',
      message: `The customer is billed in ${form.customer_currency.toUpperCase()} and Stripe keeps a customer to one currency; this invoice is in ${currency.toUpperCase()}.`,
    });
  }
  const terms = checkTerms(form, problems, now, keptDay);
  const lines = /^[a-z]{3}$/.test(currency) ? checkLines(form, currency, problems) : [];
  const custom_fields = checkCustomFields(form, problems);
  const metadata = checkMetadata(form, problems);
  return { problems, customer, currency, ...terms, lines, custom_fields, metadata };
}

const orNull = (text: string) => (text.trim() ? text.trim() : null);

function newLine(line: Checked['lines'][number]): NewInvoiceLine {
  if (line.form.price_id) {
    return { price_id: line.form.price_id, description: orNull(line.form.description), quantity: line.quantity, unit_amount: null };
  }
  return { price_id: null, description: line.form.description.trim(), quantity: line.quantity, unit_amount: line.unit_amount };
}

/** Checks a new invoice's form: its input for `create_invoice`, or what is wrong. */
export function toNewInvoice(
  form: InvoiceForm,
  now = Date.now() / 1000,
): { input: NewInvoiceInput; problems: [] } | { input: null; problems: FormProblem[] } {
  const checked = check(form, now);
  if (checked.problems.length > 0 || !checked.customer) return { input: null, problems: checked.problems };
  return {
    input: {
      customer: checked.customer,
      currency: checked.currency,
      collection_method: form.collection_method,
      days_until_due: checked.days_until_due,
      due_date: checked.due_date,
      lines: checked.lines.map(newLine),
      memo: orNull(form.memo),
      footer: orNull(form.footer),
      custom_fields: checked.custom_fields,
      metadata: checked.metadata,
    },
    problems: [],
  };
}

/** Checks a draft's form against the draft: the changes for `update_draft_invoice`, or what is wrong. */
export function toDraftChanges(
  form: InvoiceForm,
  draft: InvoiceDetail,
  now = Date.now() / 1000,
): { changes: DraftChanges; problems: [] } | { changes: null; problems: FormProblem[] } {
  const methodChanged = form.collection_method !== draft.collection_method;
  const keptDay = !methodChanged && draft.due_date !== null ? isoDay(draft.due_date) : null;
  const checked = check(form, now, keptDay);
  if (checked.problems.length > 0) return { changes: null, problems: checked.problems };
  const kept = new Set(form.lines.map((line) => line.line_id).filter((id) => id !== null));
  const update_lines: LineChange[] = [];
  for (const line of checked.lines) {
    const before = draft.lines.find((cached) => cached.id === line.form.line_id);
    if (!before) continue;
    const description = line.form.description.trim();
    const change: LineChange = {
      line_id: before.id,
      description: description !== (before.description ?? '') ? description : null,
      quantity: line.quantity !== before.quantity ? line.quantity : null,
      unit_amount: line.unit_amount !== null && line.unit_amount !== before.unit_amount ? line.unit_amount : null,
    };
    if (change.description !== null || change.quantity !== null || change.unit_amount !== null) update_lines.push(change);
  }
  // The day shown is the draft's own: its terms stay (Stripe's exact time, not the day's end).
  const sameTerms = form.due_mode === 'date' && keptDay !== null && form.due_date === keptDay;
  // Text fields go as typed when they changed (empty clears them), null when they did not.
  const changed = (typed: string, before: string | null) => (typed.trim() !== (before ?? '') ? typed.trim() : null);
  const changes: DraftChanges = {
    add_lines: checked.lines.filter((line) => line.form.line_id === null).map(newLine),
    update_lines,
    remove_line_ids: draft.lines.filter((line) => !kept.has(line.id)).map((line) => line.id),
    collection_method: methodChanged ? form.collection_method : null,
    days_until_due: sameTerms ? null : checked.days_until_due,
    due_date: sameTerms ? null : checked.due_date,
    memo: changed(form.memo, draft.memo),
    footer: changed(form.footer, draft.footer),
    coupon_id: form.coupon === 'keep' ? null : form.coupon === 'remove' ? '' : form.coupon,
  };
  const nothing =
    changes.add_lines.length + changes.update_lines.length + changes.remove_line_ids.length === 0 &&
    [changes.collection_method, changes.days_until_due, changes.due_date, changes.memo, changes.footer, changes.coupon_id].every(
      (value) => value === null,
    );
  if (nothing) return { changes: null, problems: [{ field: 'form', message: 'There is nothing to change.' }] };
  return {
    changes,
    problems: [],
  };
}
