// The sync bar: what it says in each sync state, progress while a sync runs, Sync now and Cancel.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { SyncProgress } from '../lib/bindings';
import { emitFromRust, fakeBackend, resetApp, settle, syncStatus } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function progress(overrides: Partial<SyncProgress> = {}): SyncProgress {
  return { account_id: 'a1', phase: 'backfill', resource: 'customers', done: 200, total: 1000, ...overrides };
}

async function statusText() {
  await settle();
  return (await screen.findByTestId('sync-status')).textContent?.trim();
}

describe('sync bar', () => {
  it('says how long ago the last sync was', async () => {
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000 - 5_000).toISOString();
    fakeBackend({ sync_status: () => syncStatus({ last_success_at: twoMinutesAgo }) });
    render(App);
    await waitFor(() => expect(screen.getByTestId('sync-status').textContent).toContain('Synced 2 min ago'));
  });

  it('says when the account was never synced', async () => {
    fakeBackend();
    render(App);
    expect(await statusText()).toBe('Not synced yet');
  });

  it('says offline, and shows the last error in plain words when failing', async () => {
    fakeBackend({ sync_status: () => syncStatus({ state: 'offline' }) });
    render(App);
    expect(await statusText()).toBe('Offline — will retry');

    await emitFromRust('sync-status', syncStatus({ state: 'failing', last_error: 'Stripe rejected the API key.' }));
    expect(await statusText()).toBe('Sync failed: Stripe rejected the API key.');
  });

  it('ignores status and progress of other accounts', async () => {
    fakeBackend();
    render(App);
    await settle();
    await emitFromRust('sync-status', syncStatus({ account_id: 'a2', state: 'offline' }));
    await emitFromRust('sync-progress', progress({ account_id: 'a2' }));
    expect(await statusText()).toBe('Not synced yet');
    expect(screen.queryByTestId('sync-progress')).toBeNull();
  });

  it('starts a sync, shows its progress and cancels it', async () => {
    const backend = fakeBackend();
    render(App);
    const button = await screen.findByTestId('sync-now');
    expect(button.getAttribute('title')).toMatch(/Sync now \((Ctrl\+R|⌘R)\)/);
    await fireEvent.click(button);
    expect(backend.argsOf('sync_now')).toEqual([{ accountId: 'a1' }]);
    expect(await statusText()).toBe('Syncing…');
    // Started but nothing counted yet: an indeterminate bar.
    expect(screen.getByTestId('sync-progress').querySelector('progress')?.hasAttribute('value')).toBe(false);
    expect(screen.queryByTestId('sync-now')).toBeNull();

    await emitFromRust('sync-status', syncStatus({ state: 'backfilling' }));
    await emitFromRust('sync-progress', progress({ resource: 'payment_intents', done: 250, total: 1000 }));
    const bar = screen.getByTestId('sync-progress');
    expect(bar.textContent).toContain('Payment intents');
    expect(bar.textContent).toContain('250 / 1,000');
    const meter = bar.querySelector('progress') as HTMLProgressElement;
    expect(meter.value).toBe(250);
    expect(meter.max).toBe(1000);
    expect(await statusText()).toBe('Syncing… (first full download)');

    // An unknown total shows the count on an indeterminate bar.
    await emitFromRust('sync-progress', progress({ phase: 'incremental', resource: 'events', done: 40, total: null }));
    expect(screen.getByTestId('sync-progress').textContent).toContain('Events');
    expect(screen.getByTestId('sync-progress').querySelector('progress')?.hasAttribute('value')).toBe(false);

    await fireEvent.click(screen.getByTestId('sync-cancel'));
    expect(backend.argsOf('cancel_sync')).toEqual([{ accountId: 'a1' }]);
    expect(await statusText()).toBe('Cancelling…');

    const now = new Date().toISOString();
    await emitFromRust('sync-status', syncStatus({ state: 'idle', last_success_at: now }));
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    expect(await statusText()).toBe('Synced just now');
    expect(screen.getByTestId('sync-now')).toBeTruthy();
  });

  it('syncs on Ctrl+R', async () => {
    const backend = fakeBackend();
    render(App);
    await screen.findByTestId('sync-now');
    await fireEvent.keyDown(window, { key: 'r', ctrlKey: true });
    expect(backend.argsOf('sync_now')).toEqual([{ accountId: 'a1' }]);
    await fireEvent.keyDown(window, { key: 'r' });
    expect(backend.argsOf('sync_now')).toHaveLength(1);
  });

  it('shows why Sync now was refused', async () => {
    fakeBackend({
      sync_now: () => {
        throw { code: 'stripe_unreachable', message: 'Stripe cannot be reached.' };
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('sync-now'));
    expect(await statusText()).toBe('Stripe cannot be reached.');
    expect(screen.getByTestId('sync-now')).toBeTruthy();
  });
});
