// Where the user is: the area in the sidebar and, inside Purchase orders, which PO view and
// which list filter (a draft's editor opens inside its detail); inside Invoices, Customers,
// Subscriptions and Catalog, which one is open. Shared so one view can send the
// user to another: the dashboard's aging chart opens the PO list filtered, a saved PO its detail.
import type { PoStatus } from './bindings';

/** What the Purchase orders area shows. */
export type PoView = { kind: 'list' } | { kind: 'new' } | { kind: 'detail'; id: string };

/** What the Invoices area shows: the list, the credit notes list, a new draft (for a customer when given), one invoice, or a draft's editor. */
export type InvoiceView =
  | { kind: 'list' }
  | { kind: 'credit-notes' }
  | { kind: 'new'; customerId?: string }
  | { kind: 'detail'; id: string }
  | { kind: 'edit'; id: string };

/** What the Customers area shows: the list, a new customer, one customer, or its editor. */
export type CustomerView = { kind: 'list' } | { kind: 'new' } | { kind: 'detail'; id: string } | { kind: 'edit'; id: string };

/** What the Subscriptions area shows: the list, the dunning queue, a new subscription (for a customer when given), or one subscription. */
export type SubscriptionView =
  | { kind: 'list' }
  | { kind: 'dunning' }
  | { kind: 'new'; customerId?: string }
  | { kind: 'detail'; id: string };

/** What the Catalog area shows: the products with their prices, a new product, or one product. */
export type CatalogView = { kind: 'list' } | { kind: 'new' } | { kind: 'detail'; id: string };

/** The PO list's filters, kept while the user visits a PO and comes back. */
export interface PoFilter {
  search: string;
  status: PoStatus | null;
  overdueOnly: boolean;
}

export const NO_PO_FILTER: PoFilter = { search: '', status: null, overdueOnly: false };

class Router {
  area = $state('dashboard');
  po = $state<PoView>({ kind: 'list' });
  poFilter = $state<PoFilter>({ ...NO_PO_FILTER });
  invoice = $state<InvoiceView>({ kind: 'list' });
  customer = $state<CustomerView>({ kind: 'list' });
  subscription = $state<SubscriptionView>({ kind: 'list' });
  catalog = $state<CatalogView>({ kind: 'list' });
  /** The payment (`pi_…`) open in the Payments & refunds area; `null` shows its lists. */
  payment = $state<string | null>(null);

  /** A status filter for the next list an area opens, handed over once (see `openList`). */
  #listStatus: { area: string; status: string } | null = null;

  /** Opens a sidebar area on its list, filtered to one status (a dashboard figure's list). */
  openList(area: string, status: string) {
    this.go(area);
    this.#listStatus = { area, status };
  }

  /** The status `openList` asked the `area`'s list to start with, once; else null. */
  takeListStatus(area: string): string | null {
    const handed = this.#listStatus?.area === area ? this.#listStatus.status : null;
    if (handed) this.#listStatus = null;
    return handed;
  }

  /** Opens a sidebar area on its list. */
  go(area: string) {
    this.#listStatus = null;
    this.area = area;
    if (area === 'purchase-orders') this.po = { kind: 'list' };
    if (area === 'invoices') this.invoice = { kind: 'list' };
    if (area === 'customers') this.customer = { kind: 'list' };
    if (area === 'subscriptions') this.subscription = { kind: 'list' };
    if (area === 'catalog') this.catalog = { kind: 'list' };
    if (area === 'payments') this.payment = null;
  }

  /** Opens one payment's detail in the Payments & refunds area. */
  showPayment(paymentIntentId: string) {
    this.area = 'payments';
    this.payment = paymentIntentId;
  }

  /** Shows one view inside the Subscriptions area. */
  showSubscription(view: SubscriptionView) {
    this.area = 'subscriptions';
    this.subscription = view;
  }

  /** Shows one view inside the Catalog area. */
  showCatalog(view: CatalogView) {
    this.area = 'catalog';
    this.catalog = view;
  }

  /** Shows one view inside the Invoices area. */
  showInvoice(view: InvoiceView) {
    this.area = 'invoices';
    this.invoice = view;
  }

  /** Shows one view inside the Customers area. */
  showCustomer(view: CustomerView) {
    this.area = 'customers';
    this.customer = view;
  }

  /** Opens the PO list with these filters (the rest cleared). */
  openPoList(filter: Partial<PoFilter> = {}) {
    this.poFilter = { ...NO_PO_FILTER, ...filter };
    this.area = 'purchase-orders';
    this.po = { kind: 'list' };
  }

  /** Shows one PO view inside the Purchase orders area. */
  showPo(view: PoView) {
    this.area = 'purchase-orders';
    this.po = view;
  }

  /** Back to the dashboard with no PO view or filter remembered (tests start here). */
  reset() {
    this.area = 'dashboard';
    this.po = { kind: 'list' };
    this.poFilter = { ...NO_PO_FILTER };
    this.invoice = { kind: 'list' };
    this.customer = { kind: 'list' };
    this.subscription = { kind: 'list' };
    this.catalog = { kind: 'list' };
    this.payment = null;
  }
}

export const router = new Router();
