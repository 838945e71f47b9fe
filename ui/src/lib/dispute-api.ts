// Typed calls of the dispute commands (the queue and a dispute read the cache; evidence and
// accepting go to Stripe through the operations journal), the evidence fields Stripe takes,
// and how deadlines and picked files read. Files are picked by path: Rust reads them.
import { call, isErrorPayload } from './api';
import type { DisputeDetail, DisputePage, EvidenceForm, ListQuery, PickedFile } from './bindings';

/** One wrapper per dispute command, named as the command. */
export const disputeApi = {
  list_disputes: (accountId: string, query: ListQuery) => call<DisputePage>('list_disputes', { accountId, query }),
  dispute_detail: (accountId: string, disputeId: string) => call<DisputeDetail>('dispute_detail', { accountId, disputeId }),
  /** Name, size and type (by the bytes) of a file on disk. */
  inspect_evidence_file: (path: string) => call<PickedFile>('inspect_evidence_file', { path }),
  /** A `validation` error means nothing was sent. */
  save_dispute_evidence: (accountId: string, disputeId: string, form: EvidenceForm) =>
    call<DisputeDetail>('save_dispute_evidence', { accountId, disputeId, form }),
  submit_dispute_evidence: (accountId: string, disputeId: string, form: EvidenceForm) =>
    call<DisputeDetail>('submit_dispute_evidence', { accountId, disputeId, form }),
  accept_dispute: (accountId: string, disputeId: string) => call<DisputeDetail>('accept_dispute', { accountId, disputeId }),
};

/** Stripe's limit on one evidence file (and on a dispute's files together). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Stripe's limit on the evidence text fields together, in characters. */
export const MAX_TEXT_CHARS = 150_000;

/** The evidence text fields the form offers, in the order a response reads. */
export const TEXT_FIELDS: Array<{ field: string; label: string; long: boolean }> = [
  { field: 'product_description', label: 'Product or service description', long: true },
  { field: 'customer_name', label: 'Customer name', long: false },
  { field: 'customer_email_address', label: 'Customer email', long: false },
  { field: 'billing_address', label: 'Billing address', long: false },
  { field: 'service_date', label: 'Service date', long: false },
  { field: 'refund_policy_disclosure', label: 'How the refund policy was shown', long: true },
  { field: 'cancellation_policy_disclosure', label: 'How the cancellation policy was shown', long: true },
  { field: 'cancellation_rebuttal', label: 'Why the customer is not owed a cancellation', long: true },
  { field: 'refund_refusal_explanation', label: 'Why the customer is not owed a refund', long: true },
  { field: 'shipping_tracking_number', label: 'Shipping tracking number', long: false },
  { field: 'uncategorized_text', label: 'Anything else', long: true },
];

/** The evidence file fields the form offers. */
export const FILE_FIELDS: Array<{ field: string; label: string }> = [
  { field: 'receipt', label: 'Receipt' },
  { field: 'customer_communication', label: 'Customer communication' },
  { field: 'service_documentation', label: 'Service documentation' },
  { field: 'refund_policy', label: 'Refund policy' },
  { field: 'cancellation_policy', label: 'Cancellation policy' },
  { field: 'uncategorized_file', label: 'Other file' },
];

/** Stripe's status as people read it. */
export function disputeStatusLabel(status: string): string {
  const labels: Record<string, string> = {
    needs_response: 'Needs response',
    warning_needs_response: 'Inquiry: needs response',
    under_review: 'Under review',
    warning_under_review: 'Inquiry under review',
    warning_closed: 'Inquiry closed',
    won: 'Won',
    lost: 'Lost',
  };
  return labels[status] ?? status.replace(/_/g, ' ');
}

/** Whether the merchant can still respond. */
export function isOpen(status: string): boolean {
  return status === 'needs_response' || status === 'warning_needs_response';
}

/** The deadline in the user's zone, to the minute, with the zone named. */
export function formatDeadline(unixSeconds: number, locale?: string): string {
  return new Date(unixSeconds * 1000).toLocaleString(locale, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
}

/** "due in 3 days", "due in 5 h", "overdue by 2 days", relative to `nowMs`. */
export function dueIn(dueBy: number, nowMs: number): { text: string; overdue: boolean } {
  const seconds = dueBy - Math.floor(nowMs / 1000);
  const span = Math.abs(seconds);
  const hours = Math.floor(span / 3600);
  const days = Math.floor(hours / 24);
  const amount = days >= 2 ? `${days} days` : hours >= 1 ? `${hours} h` : `${Math.max(1, Math.floor(span / 60))} min`;
  return seconds < 0 ? { text: `overdue by ${amount}`, overdue: true } : { text: `due in ${amount}`, overdue: false };
}

/** "1.2 MB", "830 KB". */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Why Stripe would refuse a picked file, or null when it takes it. */
export function pickedProblem(file: PickedFile): string | null {
  if (!file.file_type) return `${file.filename} is not a PDF, JPEG or PNG file.`;
  if (file.size > MAX_FILE_BYTES) return `${file.filename} is ${formatSize(file.size)}; Stripe takes at most 5 MB.`;
  return null;
}

/** What a failed command says. */
export function errorText(err: unknown): string {
  return isErrorPayload(err) ? err.message : String(err);
}
