// App-wide state: the accounts and which one is active, refreshed from Rust after changes.
import { api } from './api';
import type { AccountView, AppOverview, ErrorPayload, SyncStatus } from './bindings';

class AppState {
  accounts = $state<AccountView[]>([]);
  activeId = $state<string | null>(null);
  syncStatus = $state<SyncStatus | null>(null);
  loaded = $state(false);
  startupError = $state<ErrorPayload | null>(null);

  active = $derived(this.accounts.find((account) => account.id === this.activeId) ?? null);

  apply(overview: AppOverview) {
    this.accounts = overview.accounts;
    this.activeId = overview.active_account_id;
    this.syncStatus = overview.active_sync_status;
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
