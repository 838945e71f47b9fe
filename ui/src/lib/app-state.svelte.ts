// App-wide state: the accounts and which one is active, refreshed from Rust after changes, and
// the latest sync status of every account.
import { api } from './api';
import type { AccountView, AppOverview, ErrorPayload, SyncStatus } from './bindings';
import { events } from './events';

class AppState {
  accounts = $state<AccountView[]>([]);
  activeId = $state<string | null>(null);
  /** The newest sync status known of each account, by account id. */
  syncStatuses = $state<Record<string, SyncStatus>>({});
  loaded = $state(false);
  startupError = $state<ErrorPayload | null>(null);

  active = $derived(this.accounts.find((account) => account.id === this.activeId) ?? null);
  /** The active account's sync status; null until it is known. */
  syncStatus = $derived((this.activeId && this.syncStatuses[this.activeId]) || null);

  /**
   * Keeps `status` unless a newer one of its account is known. Statuses arrive both as events
   * and as answers to questions, and the two can cross: an answer read while a sync ran may
   * arrive after the event saying it finished. The revision tells which is newer.
   */
  noteSyncStatus(status: SyncStatus | null) {
    if (!status) return;
    const known = this.syncStatuses[status.account_id];
    if (!known || status.revision >= known.revision) this.syncStatuses[status.account_id] = status;
  }

  apply(overview: AppOverview) {
    this.accounts = overview.accounts;
    this.activeId = overview.active_account_id;
    this.noteSyncStatus(overview.active_sync_status);
  }

  async refresh() {
    try {
      this.apply(await api.appOverview());
      this.startupError = null;
    } catch (err) {
      this.startupError = err as ErrorPayload;
    } finally {
      this.loaded = true;
    }
  }

  async switchTo(id: string) {
    await api.switchAccount(id);
    await this.refresh();
  }
}

export const app = new AppState();

// Every account's status, not only the active one's: an account made active a moment later
// (the demo's first conference, say) must not miss that its first sync already finished.
events.onSyncStatus((status) => app.noteSyncStatus(status));
