// The one place that listens to events pushed by the Rust side. The app listens once, before
// its first view mounts (`connectEvents`), and hands each event to the subscribers of that
// moment. A view subscribes synchronously as it mounts, so there is no window between asking
// Rust for data and hearing about changes to it: a `listen` per view would be confirmed only
// after an IPC round trip, and a sync finishing meanwhile would go unnoticed.
// Each `on…` returns a plain stop function, so a component can hand it straight back from
// `$effect` as its cleanup.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { DataChanged, SyncProgress, SyncStatus } from './bindings';

type Stop = () => void;
type Handler = (payload: never) => void;

const EVENT_NAMES = ['sync-progress', 'sync-status', 'data-changed'] as const;
type EventName = (typeof EVENT_NAMES)[number];

const subscribers = new Map<EventName, Set<Handler>>(EVENT_NAMES.map((name) => [name, new Set()]));
let connected: Promise<UnlistenFn[]> | null = null;

/**
 * Starts listening to Rust's events for the whole app; resolves once Rust has confirmed every
 * listener. Await it before mounting the first view. Calling it again reuses the first call.
 */
export function connectEvents(): Promise<void> {
  connected ??= Promise.all(
    EVENT_NAMES.map((name) =>
      listen(name, (event) => {
        // A copy: a handler may unsubscribe (or a new view subscribe) while this runs.
        for (const handler of [...(subscribers.get(name) ?? [])]) (handler as (payload: unknown) => void)(event.payload);
      }),
    ),
  );
  return connected.then(() => undefined);
}

/**
 * Forgets the connection to Rust, so the next `connectEvents` listens anew (tests, between fake
 * backends, which drop their listeners themselves); subscribers stay subscribed.
 */
export function disconnectEvents() {
  connected = null;
}

function subscribe<T>(name: EventName, handler: (payload: T) => void): Stop {
  const handlers = subscribers.get(name);
  handlers?.add(handler as Handler);
  return () => handlers?.delete(handler as Handler);
}

export const events = {
  /** A sync reports how far it got. */
  onSyncProgress: (handler: (progress: SyncProgress) => void) => subscribe('sync-progress', handler),
  /** An account's sync status changed (started, finished, failed, went offline). */
  onSyncStatus: (handler: (status: SyncStatus) => void) => subscribe('sync-status', handler),
  /** Cached data of an account changed; views showing those resources re-query. */
  onDataChanged: (handler: (change: DataChanged) => void) => subscribe('data-changed', handler),
};
