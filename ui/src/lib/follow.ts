// Keeps a detail view in step with the cache. A detail loads when it opens and again whenever
// Rust says the account's data changed; those loads can cross (a sync commits while one is on
// its way, an action answers while a change notice reloads), so only the newest load's answer
// is applied, whichever arrives last.
import type { ErrorPayload } from './bindings';
import { events } from './events';

/** What a followed detail offers its view: load again now (after an action, say). */
export interface Followed {
  reload: () => void;
}

/**
 * Loads `fetch()` now and whenever data of `accountId` in one of `watched` changes; hands the
 * newest answer to `apply` and the newest failure's message to `fail`. Call inside `$effect`
 * and return `stop` from it.
 */
export function followCached<T>(
  accountId: string,
  watched: readonly string[],
  fetch: () => Promise<T>,
  apply: (value: T) => void,
  fail: (message: string) => void,
): Followed & { stop: () => void } {
  let ticket = 0;
  let stopped = false;
  const reload = async () => {
    const mine = ++ticket;
    try {
      const value = await fetch();
      if (!stopped && mine === ticket) apply(value);
    } catch (err) {
      if (!stopped && mine === ticket) fail((err as ErrorPayload).message ?? String(err));
    }
  };
  const unlisten = events.onDataChanged((change) => {
    if (change.account_id === accountId && change.resources.some((name) => watched.includes(name))) reload();
  });
  reload();
  return {
    reload,
    stop: () => {
      stopped = true;
      unlisten();
    },
  };
}
