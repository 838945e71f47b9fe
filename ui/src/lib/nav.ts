// The areas of the app, in sidebar order. Each gets its own view as it is built.

export interface Area {
  id: string;
  label: string;
  blurb: string;
}

export const AREAS: Area[] = [
  { id: 'dashboard', label: 'Dashboard', blurb: 'Revenue, receivables and what needs attention.' },
  { id: 'reports', label: 'Reports', blurb: 'Revenue, receivables aging and top customers, per account or all.' },
  { id: 'purchase-orders', label: 'Purchase orders', blurb: 'Enter POs, issue invoices, track them to paid.' },
  { id: 'invoices', label: 'Invoices', blurb: 'Every Stripe invoice of this account.' },
  { id: 'customers', label: 'Customers', blurb: 'Organizations and contacts.' },
  { id: 'subscriptions', label: 'Subscriptions', blurb: 'Memberships and sponsor plans.' },
  { id: 'catalog', label: 'Catalog', blurb: 'Products and prices.' },
  { id: 'coupons', label: 'Coupons', blurb: 'Discounts for subscriptions and invoices.' },
  { id: 'payments', label: 'Payments & refunds', blurb: 'Payments, their refunds, and new payments.' },
  { id: 'payouts', label: 'Balance & payouts', blurb: 'Funds available and pending, and what was paid out.' },
  { id: 'disputes', label: 'Disputes', blurb: 'Chargebacks and their evidence.' },
  { id: 'activity', label: 'Events & API log', blurb: 'What changed in Stripe and what Billfold asked.' },
  { id: 'settings', label: 'Settings', blurb: 'Accounts, sync, appearance and diagnostics.' },
];
