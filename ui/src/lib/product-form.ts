// The product editor's fields as typed and how they become the `ProductInput` Rust checks again;
// and how a credit pack reads in the catalog.
import type { ProductInput, ProductRow } from './bindings';
import { METADATA_LIMITS, type MetadataDraft } from './customer-form';
import { formatMoney } from './format';

/** Every product editor field as text. */
export interface ProductDraft {
  name: string;
  description: string;
  metadata: MetadataDraft[];
}

/** Stripe's limit on a product's name and description. */
export const PRODUCT_TEXT_LIMIT = 5000;

/** An empty draft for a new product. */
export function emptyProduct(): ProductDraft {
  return { name: '', description: '', metadata: [] };
}

/** The draft of a stored product, for editing. */
export function productDraftOf(product: ProductRow): ProductDraft {
  return {
    name: product.name,
    description: product.description ?? '',
    metadata: Object.entries(product.metadata).map(([key, value]) => ({ key, value })),
  };
}

/** What is wrong with the draft, by field; empty when it can be sent. */
export function productProblems(draft: ProductDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!draft.name.trim()) problems.name = 'A product needs a name';
  else if (draft.name.trim().length > PRODUCT_TEXT_LIMIT) problems.name = `At most ${PRODUCT_TEXT_LIMIT} characters`;
  if (draft.description.trim().length > PRODUCT_TEXT_LIMIT) problems.description = `At most ${PRODUCT_TEXT_LIMIT} characters`;
  const keys = draft.metadata.map((row) => row.key.trim());
  if (keys.length > METADATA_LIMITS.keys) problems.metadata = `At most ${METADATA_LIMITS.keys} metadata keys`;
  else if (keys.some((key) => !key)) problems.metadata = 'Every metadata row needs a key';
  else if (new Set(keys).size !== keys.length) problems.metadata = 'Metadata keys must differ';
  else if (keys.some((key) => key.length > METADATA_LIMITS.keyLength)) {
    problems.metadata = `Metadata keys are at most ${METADATA_LIMITS.keyLength} characters`;
  } else if (draft.metadata.some((row) => row.value.length > METADATA_LIMITS.valueLength)) {
    problems.metadata = `Metadata values are at most ${METADATA_LIMITS.valueLength} characters`;
  } else {
    // The catalog reads `credits` as the minor units a credit pack grants: anything else would
    // show as a pack of nothing.
    const credits = draft.metadata.find((row) => row.key.trim() === 'credits');
    if (credits && !/^[1-9]\d{0,11}$/.test(credits.value.trim())) {
      problems.metadata = 'credits is the credit a pack grants, in minor units: a whole number above 0 (10000 for €100.00)';
    }
  }
  return problems;
}

/** The input Rust receives: trimmed, a blank description as null. */
export function productInputOf(draft: ProductDraft): ProductInput {
  const description = draft.description.trim();
  return {
    name: draft.name.trim(),
    description: description || null,
    metadata: Object.fromEntries(
      draft.metadata.map((row) => [row.key.trim(), row.key.trim() === 'credits' ? row.value.trim() : row.value]),
    ),
  };
}

/**
 * "Credit pack: €100.00 of credit" for a product whose metadata grants credits, in the currency
 * of its newest active price (its newest price when all are archived); null otherwise.
 */
export function creditPackLabel(product: ProductRow, fallbackCurrency: string): string | null {
  if (product.credits === null) return null;
  const price = product.prices.find((each) => each.active) ?? product.prices[0];
  return `Credit pack: ${formatMoney(product.credits, price?.currency ?? fallbackCurrency)} of credit`;
}
