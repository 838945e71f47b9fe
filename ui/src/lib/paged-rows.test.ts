// PagedRows: pages on demand, late answers to old queries dropped, old rows kept during refresh.
import { describe, expect, it } from 'vitest';
import { PagedRows, type Page } from './paged-rows.svelte';

/** A fetcher whose answers the test releases by hand. */
function manual(label: string, total: number) {
  const pending: Array<{ offset: number; limit: number; release: () => void }> = [];
  const fetch = (offset: number, limit: number) =>
    new Promise<Page<string>>((resolve) => {
      const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => `${label}${offset + i}`);
      pending.push({ offset, limit, release: () => resolve({ total, rows }) });
    });
  return { fetch, pending };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PagedRows', () => {
  it('fetches each page once, when asked for rows in it', async () => {
    const rows = new PagedRows<string>(10);
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
    expect(source.pending.map((call) => call.offset)).toEqual([0, 10, 20]);
    source.pending[2].release();
    await flush();
    expect(rows.row(24)).toBe('a24');
  });

  it('drops a late answer to an older query', async () => {
    const rows = new PagedRows<string>(10);
    const old = manual('old', 5);
    const fresh = manual('new', 3);
    rows.reset(old.fetch);
    rows.reset(fresh.fetch, { keepRows: true });
    fresh.pending[0].release();
    await flush();
    old.pending[0].release();
    await flush();
    expect(rows.total).toBe(3);
    expect(rows.row(0)).toBe('new0');
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
