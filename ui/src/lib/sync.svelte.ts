// The active account's sync as the UI sees it: the status from Rust, the progress of a running
// sync, and the Sync now / Cancel actions, shared by the sync bar and the views' empty states.
import { api } from './api';
import { app } from './app-state.svelte';
import type { ErrorPayload, SyncProgress, SyncStatus } from './bindings';
import { events } from './events';

function isRunning(status: SyncStatus | null): boolean {
  return status?.state === 'syncing' || status?.state === 'backfilling';
}

class SyncController {
  /** The latest progress report of the running sync, if any. */
  progress = $state<SyncProgress | null>(null);
  /** Sync now was sent and no status has answered it yet. */
  requested = $state(false);
  /** Cancel was sent and the sync has not stopped yet. */
  cancelling = $state(false);
  /** Why the last Sync now or Cancel was refused. */
  actionError = $state<string | null>(null);

  /** The active account's status; null until it is known. */
  status = $derived(app.syncStatus);
  running = $derived(this.requested || this.progress !== null || isRunning(this.status));

  /** Forgets the previous account's sync and asks Rust for the active one's status. */
  async load(accountId: string) {
    this.progress = null;
    this.requested = false;
    this.cancelling = false;
    this.actionError = null;
    try {
      app.noteSyncStatus(await api.syncStatus(accountId));
    } catch (err) {
      if (app.activeId === accountId) this.actionError = (err as ErrorPayload).message;
    }
  }

  /**
   * Follows `sync-status` and `sync-progress` for the active account; returns the stop function.
   * (`app` keeps the statuses themselves.)
   */
  connect(): () => void {
    const stopStatus = events.onSyncStatus((status) => {
      if (status.account_id !== app.activeId) return;
      this.requested = false;
      // The newest status known, which `app` has already taken this event into.
      if (!isRunning(app.syncStatus)) {
        this.progress = null;
        this.cancelling = false;
      }
    });
    const stopProgress = events.onSyncProgress((progress) => {
      if (progress.account_id === app.activeId && !this.cancelling) this.progress = progress;
    });
    return () => {
      stopStatus();
      stopProgress();
    };
  }

  /** Starts a sync of the active account unless one is running. */
  async start() {
    const accountId = app.activeId;
    if (!accountId || this.running) return;
    this.actionError = null;
    this.requested = true;
    try {
      await api.syncNow(accountId);
    } catch (err) {
      this.requested = false;
      this.actionError = (err as ErrorPayload).message;
    }
  }

  /** Asks Rust to stop the running sync; the bar clears when the status says it stopped. */
  async cancel() {
    const accountId = app.activeId;
    if (!accountId) return;
    this.actionError = null;
    this.cancelling = true;
    try {
      await api.cancelSync(accountId);
    } catch (err) {
      this.cancelling = false;
      this.actionError = (err as ErrorPayload).message;
    }
  }
}

export const sync = new SyncController();

/** "Ctrl+R", or "⌘R" on a Mac: the Sync now shortcut as the title shows it. */
export const SYNC_SHORTCUT = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '') ? '⌘R' : 'Ctrl+R';

/** Whether a key press is the Sync now shortcut (Ctrl+R or Cmd+R, which would otherwise reload the page). */
export function isSyncShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'r';
}
