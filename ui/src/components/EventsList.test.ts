// The events list: cached events newest first, the type filter with wildcards passed to Rust,
// paging on with the cursor, an event's JSON on selection and its object's link.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import EventsList, { objectView } from './EventsList.svelte';
import { app } from '../lib/app-state.svelte';
import type { EventQuery, EventRow } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function event(n: number, type: string, objectId: string | null): EventRow {
  return {
    id: `evt_${n}`,
    type,
    created: 1_800_000_000 - n,
    object_type: objectId ? type.split('.')[0] : null,
    object_id: objectId,
    source: n % 2 ? 'webhook' : 'poll',
    applied_at: n === 3 ? null : 1_800_000_010,
  };
}

const EVENTS = [
  event(1, 'invoice.paid', 'in_1'),
  event(2, 'payout.created', 'po_1'),
  event(3, 'invoice.finalized', 'in_1'),
  event(4, 'charge.succeeded', 'ch_1'),
];

/** Like the core: `*` matches any run of characters; pages of `limit` after the cursor. */
function listEvents({ query }: { query: EventQuery }) {
  const pattern = query.event_type ? new RegExp(`^${query.event_type.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`) : null;
  const rows = EVENTS.filter((row) => !pattern || pattern.test(row.type));
  const start = query.after ? Number(query.after) : 0;
  const page = rows.slice(start, start + query.limit);
  return { total: rows.length, rows: page, next: start + page.length < rows.length ? String(start + page.length) : null };
}

function mount() {
  const backend = fakeBackend({
    list_events: listEvents,
    event_detail: ({ eventId }: { eventId: string }) => ({
      event: EVENTS.find((row) => row.id === eventId),
      json: JSON.stringify({ id: eventId, object: 'event' }, null, 2),
    }),
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(EventsList);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('events-row').map((row) => row.textContent ?? '');

describe('events list', () => {
  it('lists events with their object, source and applied time', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(4));
    expect(rowTexts()[0]).toContain('invoice.paid');
    expect(rowTexts()[0]).toContain('in_1');
    expect(rowTexts()[0]).toContain('webhook');
    expect(rowTexts()[2]).toContain('—');
    expect(screen.getByTestId('events-count').textContent).toBe('4 events');
    expect(backend.argsOf('list_events')[0]).toEqual({
      accountId: 'a1',
      query: { event_type: null, object_id: null, limit: 100, after: null },
    });
  });

  it('filters by type with a wildcard', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(4));
    await fireEvent.input(screen.getByTestId('events-filter'), { target: { value: 'invoice.*' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    expect(backend.argsOf('list_events').at(-1).query.event_type).toBe('invoice.*');
    expect(rowTexts().every((text) => text.includes('invoice.'))).toBe(true);
    await fireEvent.input(screen.getByTestId('events-filter'), { target: { value: 'refund.*' } });
    await waitFor(() => expect(screen.getByTestId('events-empty').textContent).toBe('No events match.'));
  });

  it('shows an event’s JSON when selected and opens its object', async () => {
    mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(4));
    await fireEvent.click(screen.getAllByTestId('events-row')[1]);
    await waitFor(() => expect(screen.getByTestId('event-json').textContent).toContain('"id": "evt_2"'));
    const links = screen.getAllByTestId('events-object');
    expect(links.map((link) => link.textContent)).toEqual(['in_1', 'po_1', 'in_1']);
    await fireEvent.click(links[0]);
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_1' });
  });

  it('pages on with the cursor', async () => {
    const many = Array.from({ length: 150 }, (_, n) => event(n + 10, 'customer.updated', `cus_${n}`));
    EVENTS.push(...many);
    try {
      const backend = mount();
      await waitFor(() => expect(rowTexts()).toHaveLength(100));
      await fireEvent.click(screen.getByTestId('events-older'));
      await waitFor(() => expect(rowTexts()).toHaveLength(154));
      expect(backend.argsOf('list_events').at(-1).query.after).toBe('100');
      expect(screen.queryByTestId('events-older')).toBeNull();
    } finally {
      EVENTS.splice(4);
    }
  });

  it('knows which objects Billfold can open', () => {
    expect(objectView('in_1')).toBe('invoice');
    expect(objectView('cus_1')).toBe('customer');
    expect(objectView('sub_1')).toBe('subscription');
    expect(objectView('po_1')).toBe('payout');
    expect(objectView('ch_1')).toBeNull();
    expect(objectView(null)).toBeNull();
  });
});
