// The API log: newest first, refreshed by sync events, paging back with beforeId.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { RequestLogEntry } from '../lib/bindings';
import { emitFromRust, fakeBackend, resetApp, syncStatus } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function entry(id: number): RequestLogEntry {
  return {
    id,
    at: '2027-03-04T12:00:00Z',
    account_id: 'a1',
    method: 'GET',
    path: `/v1/customers?page=${id}`,
    status: id % 10 === 0 ? 429 : 200,
    request_id: `req_${id}`,
    duration_ms: 120,
    idempotency_key: id % 10 === 0 ? `op_${id}:1` : null,
    attempt: id % 10 === 0 ? 2 : 1,
    error: id % 10 === 0 ? 'Stripe is rate limiting' : null,
  };
}

/** A log holding ids 1..count, answered newest first like Rust. */
function log(count: () => number) {
  return ({ limit, beforeId }: { limit: number; beforeId: number | null }) => {
    const newest = beforeId === null ? count() : beforeId - 1;
    return Array.from({ length: Math.max(0, Math.min(limit, newest)) }, (_, i) => entry(newest - i));
  };
}

const rows = () => screen.getAllByTestId('api-log-row').map((row) => row.textContent ?? '');

describe('API log', () => {
  it('shows attempts newest first and pages back with beforeId', async () => {
    const backend = fakeBackend({ list_request_log: log(() => 150) });
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-activity'));
    await waitFor(() => expect(rows()).toHaveLength(100));
    expect(rows()[0]).toContain('req_150');
    expect(rows()[0]).toContain('429');
    expect(rows()[0]).toContain('op_150:1');
    expect(rows()[0]).toContain('Stripe is rate limiting');
    expect(backend.argsOf('list_request_log')[0]).toEqual({ accountId: 'a1', limit: 100, beforeId: null });

    await fireEvent.click(screen.getByTestId('api-log-older'));
    await waitFor(() => expect(rows()).toHaveLength(150));
    expect(backend.argsOf('list_request_log').at(-1)).toEqual({ accountId: 'a1', limit: 100, beforeId: 51 });
    expect(rows().at(-1)).toContain('req_1');
    expect(screen.queryByTestId('api-log-older')).toBeNull();
  });

  it('refreshes on data-changed and sync-status of the active account', async () => {
    let count = 3;
    const backend = fakeBackend({ list_request_log: log(() => count) });
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-activity'));
    await waitFor(() => expect(rows()).toHaveLength(3));

    count = 5;
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['customers'] });
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(rows()[0]).toContain('req_5');

    count = 6;
    await emitFromRust('sync-status', syncStatus({ account_id: 'a2' }));
    expect(rows()).toHaveLength(5);
    await emitFromRust('sync-status', syncStatus({ last_success_at: new Date().toISOString() }));
    await waitFor(() => expect(rows()).toHaveLength(6));
    expect(backend.argsOf('list_request_log').every((args) => args.beforeId === null)).toBe(true);
  });
});
