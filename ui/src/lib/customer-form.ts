// The customer editor's fields as typed, and how they become the `CustomerInput` Rust checks
// again: trimmed, blanks as null, an address only when one of its lines is filled.
import type { Address, CustomerDetail, CustomerInput } from './bindings';

/** One metadata row as typed. */
export interface MetadataDraft {
  key: string;
  value: string;
}

/** Every editor field as text. */
export interface CustomerDraft {
  name: string;
  email: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  /** Comma-separated, e.g. "en, fr-CA". */
  locales: string;
  default_payment_method: string;
  invoice_footer: string;
  metadata: MetadataDraft[];
}

/** Stripe's limits on metadata: 50 keys of up to 40 characters, values up to 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 };

// What Stripe accepts as an email, roughly: one @, something on each side, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A language tag as Stripe lists them: "en", "fr-CA", "zh-Hant".
const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** An empty draft for a new customer. */
export function emptyDraft(): CustomerDraft {
  return {
    name: '',
    email: '',
    phone: '',
    line1: '',
    line2: '',
    city: '',
    state: '',
    postal_code: '',
    country: '',
    locales: '',
    default_payment_method: '',
    invoice_footer: '',
    metadata: [],
  };
}

/** The draft of a stored customer, for editing. */
export function draftOf(customer: CustomerDetail): CustomerDraft {
  const a = customer.address;
  return {
    name: customer.name ?? '',
    email: customer.email ?? '',
    phone: customer.phone ?? '',
    line1: a?.line1 ?? '',
    line2: a?.line2 ?? '',
    city: a?.city ?? '',
    state: a?.state ?? '',
    postal_code: a?.postal_code ?? '',
    country: a?.country ?? '',
    locales: customer.preferred_locales.join(', '),
    default_payment_method: customer.default_payment_method ?? '',
    invoice_footer: customer.invoice_footer ?? '',
    metadata: Object.entries(customer.metadata).map(([key, value]) => ({ key, value })),
  };
}

/** Whether `email` reads as an email address (blank is allowed: the field is optional). */
export function emailProblem(email: string): string | null {
  const trimmed = email.trim();
  return trimmed && !EMAIL.test(trimmed) ? 'Type an email like ap@example.com' : null;
}

function localesOf(text: string): string[] {
  return text
    .split(',')
    .map((locale) => locale.trim())
    .filter(Boolean);
}

/** Every problem with the draft, by field; empty when it can be saved. */
export function draftProblems(draft: CustomerDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!draft.name.trim() && !draft.email.trim()) problems.name = 'Give a name or an email';
  const email = emailProblem(draft.email);
  if (email) problems.email = email;
  const country = draft.country.trim();
  if (country && !/^[A-Za-z]{2}$/.test(country)) problems.country = 'Use the two-letter country code, like US or DE';
  const badLocale = localesOf(draft.locales).find((locale) => !LOCALE.test(locale));
  if (badLocale) problems.locales = `“${badLocale}” is not a language tag like en or fr-CA`;
  const keys = draft.metadata.map((row) => row.key.trim());
  if (keys.length > METADATA_LIMITS.keys) problems.metadata = `At most ${METADATA_LIMITS.keys} metadata keys`;
  else if (keys.some((key) => !key)) problems.metadata = 'Every metadata row needs a key';
  else if (new Set(keys).size !== keys.length) problems.metadata = 'Metadata keys must differ';
  else if (keys.some((key) => key.length > METADATA_LIMITS.keyLength)) {
    problems.metadata = `Metadata keys are at most ${METADATA_LIMITS.keyLength} characters`;
  } else if (draft.metadata.some((row) => row.value.length > METADATA_LIMITS.valueLength)) {
    problems.metadata = `Metadata values are at most ${METADATA_LIMITS.valueLength} characters`;
  }
  return problems;
}

const orNull = (text: string) => text.trim() || null;

/** The input to send for a draft without problems. */
export function inputOf(draft: CustomerDraft): CustomerInput {
  const address: Address = {
    line1: orNull(draft.line1),
    line2: orNull(draft.line2),
    city: orNull(draft.city),
    state: orNull(draft.state),
    postal_code: orNull(draft.postal_code),
    country: orNull(draft.country.toUpperCase()),
  };
  return {
    name: orNull(draft.name),
    email: orNull(draft.email),
    phone: orNull(draft.phone),
    address: Object.values(address).some((line) => line !== null) ? address : null,
    preferred_locales: localesOf(draft.locales),
    default_payment_method: orNull(draft.default_payment_method),
    invoice_footer: orNull(draft.invoice_footer),
    metadata: Object.fromEntries(draft.metadata.map((row) => [row.key.trim(), row.value])),
  };
}
