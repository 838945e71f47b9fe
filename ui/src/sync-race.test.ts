// A sync can finish while the window is still asking about it: Try the demo account starts
// the first sync and, in a release build, the sync is done before the window has the demo's
// overview. What the window shows must be the newest state whichever answer or event came
// last; before these tests it waited for the next poll (5 s) to catch up.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { AppOverview, InvoiceRow, ListQuery } from './lib/bindings';
import { connectEvents } from './lib/events';
import {
  account,
  agingAmounts,
  emitNow,
  fakeBackend,
  invoiceRow,
  overview,
  pageOf,
  resetApp,
  settle,
  syncStatus,
} from './test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

/** A promise and the function that resolves it, for answers the test releases itself. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const demo = account({ id: 'demo_1', name: 'RustConf 2027 (demo)', is_demo: true });
const running = syncStatus({ account_id: 'demo_1', state: 'backfilling', last_attempt_at: '2026-11-30T09:00:00Z', revision: 3 });
const finished = syncStatus({
  account_id: 'demo_1',
  state: 'idle',
  last_attempt_at: '2026-11-30T09:00:00Z',
  last_success_at: new Date().toISOString(),
  objects_synced: 40,
  revision: 4,
});

describe('a sync that finishes while the window asks about it', () => {
  it('shows the finished sync when its event beats the overview read while it ran', async () => {
    let demoStarted = false;
    const overviewAnswer = deferred<AppOverview>();
    fakeBackend({
      app_overview: () => (demoStarted ? overviewAnswer.promise : overview([], null)),
      start_demo: () => {
        demoStarted = true;
        return [demo];
      },
      // Read while the sync ran, like the overview.
      sync_status: () => running,
    });
    await connectEvents();
    render(App);
    await fireEvent.click(await screen.findByTestId('try-demo'));
    await settle();

    // The sync finishes and says so before the overview (read while it ran) is answered.
    emitNow('sync-status', finished);
    overviewAnswer.resolve({ ...overview([demo], 'demo_1'), active_sync_status: running });

    await waitFor(() => expect(screen.getByTestId('sync-status').textContent).toContain('Synced'));
    await settle();
    expect(screen.getByTestId('sync-status').textContent).toContain('Synced');
    expect(screen.queryByTestId('sync-progress')).toBeNull();
  });

  it('keeps a newer status when an older answer arrives after it', async () => {
    const statusAnswer = deferred<typeof running>();
    fakeBackend({
      app_overview: () => overview([demo], 'demo_1'),
      sync_status: () => statusAnswer.promise,
    });
    await connectEvents();
    render(App);
    await screen.findByTestId('sync-status');
    emitNow('sync-status', finished);
    statusAnswer.resolve(running);
    await settle();
    expect(screen.getByTestId('sync-status').textContent).toContain('Synced');
  });
});

describe('a list that opens while a sync commits', () => {
  it('shows the rows committed while its first page was on the way', async () => {
    const row = invoiceRow({ currency: 'eur' });
    let committed: InvoiceRow[] = [];
    fakeBackend({
      app_overview: () => overview([demo], 'demo_1'),
      list_invoices: ({ query }: { query: ListQuery }) => pageOf(committed, query),
    });
    await connectEvents();
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-invoices'));
    // The list has asked for its first page (read before the commit); the sync commits now
    // and says so at once.
    committed = [row];
    emitNow('data-changed', { account_id: 'demo_1', resources: ['invoices'] });

    await waitFor(() => expect(screen.getAllByTestId('invoices-row')).toHaveLength(1));
  });
});

describe('a dashboard that reloads while a sync commits', () => {
  it('keeps the figures of the latest load when an older one answers last', async () => {
    const before = deferred<unknown>();
    let loads = 0;
    fakeBackend({
      app_overview: () => overview([demo], 'demo_1'),
      // The first load (before the commit) answers last.
      aging_report: (args) =>
        ++loads === 1
          ? before.promise
          : { as_of: args.asOf, currencies: [{ currency: 'eur', total: agingAmounts({ current: 350000 }), customers: [] }] },
    });
    await connectEvents();
    render(App);
    await settle();
    emitNow('data-changed', { account_id: 'demo_1', resources: ['invoices'] });
    await screen.findByTestId('aging-eur');
    before.resolve({ as_of: '2026-01-01', currencies: [] });
    await settle();
    expect(screen.getByTestId('aging-eur').textContent).toContain('€3,500.00');
  });
});
