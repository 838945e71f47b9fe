// The one place that subscribes to events pushed by the Rust side. Each `on…` returns a plain
// stop function, so a component can hand it straight back from `$effect` as its cleanup.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { DataChanged, SyncProgress, SyncStatus } from './bindings';

type Stop = () => void;

function subscribe<T>(name: string, handler: (payload: T) => void): Stop {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  listen<T>(name, (event) => handler(event.payload)).then(
    (fn) => {
      // The component may be gone before the subscription is confirmed.
      if (stopped) fn();
      else unlisten = fn;
    },
    (err) => console.error(`cannot listen to ${name}`, err),
  );
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

export const events = {
  /** A sync reports how far it got. */
  onSyncProgress: (handler: (progress: SyncProgress) => void) => subscribe('sync-progress', handler),
  /** An account's sync status changed (started, finished, failed, went offline). */
  onSyncStatus: (handler: (status: SyncStatus) => void) => subscribe('sync-status', handler),
  /** Cached data of an account changed; views showing those resources re-query. */
  onDataChanged: (handler: (change: DataChanged) => void) => subscribe('data-changed', handler),
};
