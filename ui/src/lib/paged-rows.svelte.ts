// The rows of a long list that Rust filters and sorts, fetched a page at a time as the table
// scrolls to them, so a hundred thousand invoices cost a few small requests, not one huge one.
// Scrolling on from a loaded page hands Rust that page's `next` cursor, so it seeks to the next
// row instead of counting every row before it; a jump by the scrollbar has no cursor and waits
// for the scrollbar to settle, so a drag across the list does not ask for every page it passes.
import { untrack } from 'svelte';
import type { ErrorPayload } from './bindings';

/** One slice of the list and how many rows match in all (the shape of Rust's `*Page` types). */
export interface Page<T> {
  total: number;
  rows: T[];
  /** The cursor right after the last row, null at the end (absent: the list has no cursors). */
  next?: string | null;
  /** Why the search text was not applied, to show the user. */
  search_hint?: string | null;
}

/**
 * Fetches `limit` rows starting at `offset`, for one fixed query. `after` is the previous
 * page's `next` cursor when it is known (`offset` is still right), else null.
 */
export type PageFetcher<T> = (offset: number, limit: number, after: string | null) => Promise<Page<T>>;

export const PAGE_SIZE = 200;
/** How long a page with no cursor to start from waits for the scrolling to stop. */
export const JUMP_DELAY_MS = 80;

export class PagedRows<T> {
  /** Rows matching the query in all. */
  total = $state(0);
  /** Whether the first answer for the current query has arrived. */
  loaded = $state(false);
  /** Why the last page could not be fetched. */
  error = $state<string | null>(null);
  /** Rust's word on the search text (e.g. too short to apply), from the latest answer. */
  hint = $state<string | null>(null);

  #fetch: PageFetcher<T> | null = null;
  #pages = new Map<number, T[]>();
  // Each loaded page's `next` cursor, for the same generation as `#pages`.
  #cursors = new Map<number, string | null>();
  // Pages of the previous answer, shown while a refresh re-reads them.
  #stale = new Map<number, T[]>();
  #inflight = new Set<number>();
  // Answers to an older query or refresh are dropped.
  #generation = 0;
  #range: [number, number] = [0, 1];
  // The next page to arrive is the first of a new query: rows kept from the old one go then.
  #firstOfQuery = false;
  // The maps are plain; this counter tells Svelte that rows changed.
  #version = $state(0);

  constructor(
    readonly pageSize = PAGE_SIZE,
    readonly jumpDelayMs = JUMP_DELAY_MS,
  ) {}

  /** Counts queries; a table scrolls back to the top when it changes. */
  query = $state(0);

  /**
   * Starts over with a new query and loads its first page. With `keepRows` the old rows stay on
   * screen until then (a new sort or search), else the list empties at once (another account).
   */
  reset(fetch: PageFetcher<T>, { keepRows = false } = {}) {
    this.#fetch = fetch;
    this.#generation++;
    this.#stale = keepRows ? this.#pages : new Map();
    this.#pages = new Map();
    this.#cursors = new Map();
    this.#inflight.clear();
    this.#range = [0, 1];
    this.#firstOfQuery = true;
    if (!keepRows) {
      this.total = 0;
      this.loaded = false;
      this.hint = null;
    }
    this.error = null;
    untrack(() => this.query++);
    this.#changed();
    this.ensure(0, 1);
  }

  /** Same query, newer data: re-reads the pages in view and keeps showing the old rows until then. */
  refresh() {
    if (!this.#fetch) return;
    this.#generation++;
    this.#stale = new Map([...this.#stale, ...this.#pages]);
    this.#pages = new Map();
    // Cursors name rows of the old answer; the re-read starts from offsets.
    this.#cursors = new Map();
    this.#inflight.clear();
    this.#firstOfQuery = false;
    this.ensure(...this.#range);
  }

  /** Makes sure rows `start`..`end` (end exclusive) are loaded or on their way. */
  ensure(start: number, end: number) {
    this.#range = [start, Math.max(end, start + 1)];
    const first = Math.floor(start / this.pageSize);
    const last = Math.floor((this.#range[1] - 1) / this.pageSize);
    for (let page = first; page <= last; page++) this.#load(page);
  }

  /** The row at `index`, or undefined while its page is loading. */
  row(index: number): T | undefined {
    void this.#version;
    const page = Math.floor(index / this.pageSize);
    return (this.#pages.get(page) ?? this.#stale.get(page))?.[index % this.pageSize];
  }

  /** Whether any row of `page` is in the range last asked for. */
  #wanted(page: number): boolean {
    const [start, end] = this.#range;
    return page * this.pageSize < end && (page + 1) * this.pageSize > start;
  }

  async #load(page: number) {
    const fetch = this.#fetch;
    if (!fetch || this.#pages.has(page) || this.#inflight.has(page)) return;
    const generation = this.#generation;
    this.#inflight.add(page);
    try {
      let after = this.#cursors.get(page - 1) ?? null;
      if (after === null && page > 0 && this.jumpDelayMs > 0) {
        // A jump: only the page the scrollbar stops on is worth an OFFSET query.
        await new Promise((resolve) => setTimeout(resolve, this.jumpDelayMs));
        if (generation !== this.#generation) return;
        if (!this.#wanted(page)) return;
        // The page before may have arrived meanwhile.
        after = this.#cursors.get(page - 1) ?? null;
      }
      const answer = await fetch(page * this.pageSize, this.pageSize, after);
      if (generation !== this.#generation) return;
      if (this.#firstOfQuery) this.#stale = new Map();
      this.#firstOfQuery = false;
      this.#pages.set(page, answer.rows);
      this.#cursors.set(page, answer.next ?? null);
      this.#stale.delete(page);
      this.total = answer.total;
      this.hint = answer.search_hint ?? null;
      this.loaded = true;
      this.error = null;
      this.#changed();
    } catch (err) {
      if (generation === this.#generation) this.error = (err as ErrorPayload).message ?? String(err);
    } finally {
      if (generation === this.#generation) this.#inflight.delete(page);
    }
  }

  #changed() {
    // Called from effects too; reading the counter there must not make them depend on it.
    untrack(() => this.#version++);
  }
}
