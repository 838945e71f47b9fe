// The subscription editor's form as typed, and how it turns into `NewSubscriptionInput`. The
// checks mirror the core's and Stripe's rules (one currency, whole quantities of at least 1, a
// trial ending in the future…) so a mistake is named by its field before anything is sent.
import type {
  CollectionMethod,
  CustomerChoice,
  NewSubscriptionInput,
  RecurringPrice,
  SubscriptionItemInput,
  TrialInput,
} from './bindings';
import {
  MAX_DAYS_UNTIL_DUE,
  METADATA_KEY_MAX,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX,
  RESERVED_METADATA_KEY,
  endOfDay,
  type FormProblem,
} from './invoice-form';
import { parseQuantity } from './po';

/** Stripe's limits: items on one subscription, days of a trial (also how far off its end may be). */
export const MAX_ITEMS = 20;
export const MAX_TRIAL_DAYS = 730;

/** How a new subscription pays when the first payment needs the customer, each said in one line. */
export const PAYMENT_BEHAVIORS: Array<{ value: string; label: string; explanation: string }> = [
  {
    value: 'allow_incomplete',
    label: 'Allow incomplete',
    explanation: 'Creates the subscription even if the first payment fails or needs the customer; it starts as incomplete.',
  },
  {
    value: 'default_incomplete',
    label: 'Default incomplete',
    explanation: 'Creates it incomplete with the first invoice left open, for the customer to confirm the payment.',
  },
  {
    value: 'error_if_incomplete',
    label: 'Error if incomplete',
    explanation: 'Refuses to create the subscription when the first payment cannot be made right away.',
  },
];

/** One item as typed: a recurring price and its quantity. */
export interface ItemForm {
  price: RecurringPrice;
  quantity: string;
}

/** The whole form as typed. */
export interface SubscriptionForm {
  customer_mode: 'existing' | 'by_email';
  customer_id: string;
  /** The picked customer's currency, once known: Stripe keeps a customer to one currency. */
  customer_currency: string | null;
  email: string;
  name: string;
  items: ItemForm[];
  trial_mode: 'none' | 'days' | 'until';
  trial_days: string;
  /** `YYYY-MM-DD`: the trial ends at the end of that day. */
  trial_until: string;
  collection_method: CollectionMethod;
  days_until_due: string;
  payment_behavior: string;
  metadata: Array<{ key: string; value: string }>;
  /** A coupon's id, or empty for none. */
  coupon_id: string;
}

/** An empty form, for a customer when one is given. */
export function newSubscriptionForm(customerId?: string): SubscriptionForm {
  return {
    customer_mode: 'existing',
    customer_id: customerId ?? '',
    customer_currency: null,
    email: '',
    name: '',
    items: [],
    trial_mode: 'none',
    trial_days: '14',
    trial_until: '',
    collection_method: 'charge_automatically',
    days_until_due: '30',
    payment_behavior: 'allow_incomplete',
    metadata: [],
    coupon_id: '',
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one currency of the items, or null when there are none. */
export function itemsCurrency(form: SubscriptionForm): string | null {
  return form.items[0]?.price.currency.toLowerCase() ?? null;
}

/** Why `price` cannot join the items already there, or null when it can. */
export function refusal(form: SubscriptionForm, price: RecurringPrice): string | null {
  const currency = itemsCurrency(form);
  if (currency && price.currency.toLowerCase() !== currency) {
    return `All prices of a subscription must be in one currency: this one is in ${price.currency.toUpperCase()}, the others in ${currency.toUpperCase()}.`;
  }
  if (form.items.some((item) => item.price.id === price.id)) return 'This price is already an item: change its quantity instead.';
  if (form.items.length >= MAX_ITEMS) return `Stripe takes at most ${MAX_ITEMS} items on one subscription.`;
  return null;
}

function checkCustomer(form: SubscriptionForm, problems: FormProblem[]): CustomerChoice | null {
  if (form.customer_mode === 'existing') {
    if (form.customer_id.trim()) return { kind: 'existing', customer_id: form.customer_id.trim() };
    problems.push({ field: 'customer', message: 'Pick a customer, or create one by email.' });
    return null;
  }
  const email = form.email.trim();
  if (!email) problems.push({ field: 'email', message: 'Type the new customer’s email.' });
  else if (!EMAIL.test(email)) problems.push({ field: 'email', message: `“${email}” is not an email address.` });
  return email && EMAIL.test(email) ? { kind: 'by_email', email, name: form.name.trim() } : null;
}

function checkItems(form: SubscriptionForm, problems: FormProblem[]): SubscriptionItemInput[] {
  if (form.items.length === 0) problems.push({ field: 'items', message: 'Add at least one recurring price.' });
  if (form.items.length > MAX_ITEMS) problems.push({ field: 'items', message: `Stripe takes at most ${MAX_ITEMS} items on one subscription.` });
  const currency = itemsCurrency(form);
  if (form.items.some((item) => item.price.currency.toLowerCase() !== currency)) {
    problems.push({ field: 'items', message: 'All prices of a subscription must be in one currency.' });
  } else if (currency && form.customer_mode === 'existing' && form.customer_currency && form.customer_currency.toLowerCase() !== currency) {
    problems.push({
      field: 'items',
      message: `The customer is billed in ${form.customer_currency.toUpperCase()}: Stripe refuses prices in ${currency.toUpperCase()} for them.`,
    });
  }
  return form.items.map((item, index) => {
    const quantity = parseQuantity(item.quantity);
    if (quantity === null || quantity < 1) {
      problems.push({ field: `item-${index}-quantity`, message: `Item ${index + 1}: the quantity must be a whole number of at least 1.` });
    }
    return { price_id: item.price.id, quantity: quantity ?? 0 };
  });
}

function checkTrial(form: SubscriptionForm, problems: FormProblem[], now: number): TrialInput {
  if (form.trial_mode === 'days') {
    const days = parseQuantity(form.trial_days);
    if (days === null || days < 1 || days > MAX_TRIAL_DAYS) {
      problems.push({ field: 'trial_days', message: `Trial days must be a whole number from 1 to ${MAX_TRIAL_DAYS}.` });
    }
    return { kind: 'days', days: days ?? 0 };
  }
  if (form.trial_mode === 'until') {
    const end = endOfDay(form.trial_until);
    if (end === null) problems.push({ field: 'trial_until', message: 'Pick the day the trial ends.' });
    else if (end <= now) problems.push({ field: 'trial_until', message: 'The trial must end in the future.' });
    else if (end > now + MAX_TRIAL_DAYS * 86_400) {
      problems.push({ field: 'trial_until', message: `The trial may last at most ${MAX_TRIAL_DAYS} days.` });
    }
    return { kind: 'until', trial_end: end ?? 0 };
  }
  return { kind: 'none' };
}

function checkMetadata(form: SubscriptionForm, problems: FormProblem[]) {
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

/** The checked input, or every problem found; `now` is unix seconds. */
export function toNewSubscription(
  form: SubscriptionForm,
  now: number = Math.floor(Date.now() / 1000),
): { input: NewSubscriptionInput; problems: [] } | { input: null; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const customer = checkCustomer(form, problems);
  const items = checkItems(form, problems);
  const trial = checkTrial(form, problems, now);
  let days_until_due: number | null = null;
  if (form.collection_method === 'send_invoice') {
    days_until_due = parseQuantity(form.days_until_due);
    if (days_until_due === null || days_until_due < 0 || days_until_due > MAX_DAYS_UNTIL_DUE) {
      problems.push({ field: 'days_until_due', message: `Days until due must be a whole number from 0 to ${MAX_DAYS_UNTIL_DUE}.` });
    }
  }
  if (!PAYMENT_BEHAVIORS.some((behavior) => behavior.value === form.payment_behavior)) {
    problems.push({ field: 'payment_behavior', message: 'Pick how the first payment is handled.' });
  }
  const metadata = checkMetadata(form, problems);
  if (problems.length > 0 || !customer) return { input: null, problems };
  return {
    input: {
      customer,
      items,
      trial,
      collection_method: form.collection_method,
      days_until_due,
      payment_behavior: form.payment_behavior,
      metadata,
      coupon_id: form.coupon_id || null,
    },
    problems: [],
  };
}
