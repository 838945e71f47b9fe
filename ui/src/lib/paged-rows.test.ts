// PagedRows: pages on demand, the previous page's cursor handed on, jumps that wait for the
// scrollbar to settle, late answers to old queries dropped, old rows kept during refresh.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PagedRows, type Page } from './paged-rows.svelte';

interface Call {
  offset: number;
  limit: number;
  after: string | null;
  release: () => void;
}

/** A fetcher whose answers the test releases by hand; its cursors are `<label>:<offset>`. */
function manual(label: string, total: number, hint: string | null = null) {
  const pending: Call[] = [];
  const fetch = (offset: number, limit: number, after: string | null) =>
    new Promise<Page<string>>((resolve) => {
      const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => `${label}${offset + i}`);
      const end = offset + rows.length;
      const next = end < total ? `${label}:${end}` : null;
      pending.push({ offset, limit, after, release: () => resolve({ total, rows, next, search_hint: hint }) });
    });
  return { fetch, pending };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('PagedRows', () => {
  it('fetches each page once, when asked for rows in it', async () => {
    const rows = new PagedRows<string>(10, 0);
    const source = manual('a', 35);
    rows.reset(source.fetch);
    expect(source.pending.map((call) => call.offset)).toEqual([0]);
    source.pending[0].release();
    await flush();
    expect(rows.total).toBe(35);
    expect(rows.row(9)).toBe('a9');
    expect(rows.row(10)).toBeUndefined();

    rows.ensure(8, 25);
    rows.ensure(12, 22);
    await flush();
    expect(source.pending.map((call) => call.offset)).toEqual([0, 10, 20]);
    source.pending[2].release();
    await flush();
    expect(rows.row(24)).toBe('a24');
  });

  it('hands Rust the previous page’s cursor when scrolling on, and none after a jump', async () => {
    const rows = new PagedRows<string>(10, 0);
    const source = manual('a', 45);
    const call = (offset: number) => source.pending.find((candidate) => candidate.offset === offset)!;
    rows.reset(source.fetch);
    expect(call(0).after).toBeNull();
    call(0).release();
    await flush();

    // Page 1 follows the loaded page 0: Rust seeks from its cursor; the offset stays right.
    rows.ensure(5, 15);
    await flush();
    expect(call(10)).toMatchObject({ after: 'a:10', limit: 10 });
    call(10).release();
    await flush();
    expect(rows.row(14)).toBe('a14');

    // A jump to page 3 has no page 2 before it: offset only.
    rows.ensure(30, 35);
    await flush();
    expect(call(30).after).toBeNull();
    call(30).release();
    await flush();
    // Page 4 (the last) follows page 3; nothing follows it (its `next` is null).
    rows.ensure(38, 45);
    await flush();
    expect(call(40).after).toBe('a:40');
    call(40).release();
    await flush();
    expect(rows.row(44)).toBe('a44');

    // After a refresh the old cursors name rows of an older answer: offsets until new ones come.
    rows.refresh();
    await flush();
    expect(source.pending.slice(-2).map((candidate) => [candidate.offset, candidate.after])).toEqual([
      [30, null],
      [40, null],
    ]);
  });

  it('fetches only the page the scrollbar settles on when it jumps', async () => {
    vi.useFakeTimers();
    const rows = new PagedRows<string>(10, 80);
    const source = manual('a', 100_000);
    rows.reset(source.fetch);
    source.pending[0].release();
    await vi.advanceTimersByTimeAsync(0);

    // A drag across the list passes pages 500, 2000 and 7000 in a few milliseconds.
    rows.ensure(5000, 5005);
    await vi.advanceTimersByTimeAsync(20);
    rows.ensure(20_000, 20_005);
    await vi.advanceTimersByTimeAsync(20);
    rows.ensure(70_000, 70_005);
    await vi.advanceTimersByTimeAsync(100);
    expect(source.pending.map((call) => call.offset)).toEqual([0, 70_000]);
    source.pending[1].release();
    await vi.advanceTimersByTimeAsync(0);
    expect(rows.row(70_003)).toBe('a70003');

    // Scrolling on from there is immediate, with the cursor.
    rows.ensure(70_005, 70_015);
    await vi.advanceTimersByTimeAsync(0);
    expect(source.pending.at(-1)).toMatchObject({ offset: 70_010, after: 'a:70010' });
  });

  it('drops a slow answer for “ac” that arrives after the answer for “acme”', async () => {
    const rows = new PagedRows<string>(10);
    const ac = manual('ac', 5);
    const acme = manual('acme', 3);
    rows.reset(ac.fetch);
    rows.reset(acme.fetch, { keepRows: true });
    acme.pending[0].release();
    await flush();
    ac.pending[0].release();
    await flush();
    expect(rows.total).toBe(3);
    expect(rows.row(0)).toBe('acme0');
    expect(rows.row(3)).toBeUndefined();
  });

  it('keeps Rust’s hint about the search text from the latest answer', async () => {
    const rows = new PagedRows<string>(10);
    const short = manual('all', 3, 'Type at least 3 characters to search.');
    rows.reset(short.fetch);
    short.pending[0].release();
    await flush();
    expect(rows.hint).toBe('Type at least 3 characters to search.');

    // Kept while the next search is on its way (no flicker), gone with its answer.
    const long = manual('acme', 1);
    rows.reset(long.fetch, { keepRows: true });
    expect(rows.hint).toBe('Type at least 3 characters to search.');
    long.pending[0].release();
    await flush();
    expect(rows.hint).toBeNull();

    // Another account starts clean.
    rows.reset(short.fetch);
    expect(rows.hint).toBeNull();
  });

  it('keeps showing the old rows while a refresh re-reads them', async () => {
    let version = 'v1-';
    const pending: Array<() => void> = [];
    const rows = new PagedRows<string>(10);
    rows.reset(
      (offset) =>
        new Promise((resolve) => {
          const label = version;
          pending.push(() => resolve({ total: 2, rows: [`${label}${offset}`, `${label}${offset + 1}`] }));
        }),
    );
    pending.shift()!();
    await flush();
    expect(rows.row(0)).toBe('v1-0');

    version = 'v2-';
    rows.refresh();
    expect(rows.row(0)).toBe('v1-0');
    pending.shift()!();
    await flush();
    expect(rows.row(0)).toBe('v2-0');
  });
});
