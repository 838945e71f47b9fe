// Column descriptions shared by the virtual table and the views that fill it, the sort a header
// click leads to, and which columns fit the width the table has.

export interface Column {
  /** Names the column; for a sortable one, also the sort key Rust knows for that list. */
  key: string;
  label: string;
  /** A CSS grid track, e.g. "120px" or "minmax(160px, 2fr)"; its px part is the least it needs. */
  width: string;
  sortable?: boolean;
  /** Right-align (amounts). */
  numeric?: boolean;
  /**
   * A column the table may leave out when the columns would not fit side by side: the lowest
   * number goes first. Columns without it always show.
   */
  dropOrder?: number;
}

/** The current sort: a column key (null = the list's default order) and the direction. */
export interface Sort {
  key: string | null;
  descending: boolean;
}

/** A list's default order (what Rust does with `sort: null`) as the column sort it looks like. */
export interface DefaultSort {
  key: string;
  descending: boolean;
  /** Says what the arrow alone cannot, e.g. "Overdue first, then newest". */
  title?: string;
}

/** The sort the headers show: the one picked, or the default order's column and direction. */
export function shownSort(current: Sort, fallback?: DefaultSort): Sort {
  if (current.key !== null || !fallback) return current;
  return { key: fallback.key, descending: fallback.descending };
}

/**
 * Clicking a header: first ascending, then descending, then back to the default order. On the
 * default order's own column (shown sorted already) a click turns it around, the next goes back.
 */
export function nextSort(current: Sort, key: string, fallback?: DefaultSort): Sort {
  const shown = shownSort(current, fallback);
  if (shown.key !== key) return { key, descending: false };
  if (current.key === null) return { key, descending: !shown.descending };
  if (key === fallback?.key || current.descending) return { key: null, descending: false };
  return { key, descending: true };
}

/** The least width a column needs: the px part of its track (80 px when it has none). */
export function columnMinWidth(column: Column): number {
  return Number(/(\d+)px/.exec(column.width)?.[1] ?? 80);
}

/** The least width a row of `columns` needs. */
export function minTableWidth(columns: Column[]): number {
  return columns.reduce((sum, column) => sum + columnMinWidth(column), 0);
}

/**
 * The columns that fit in `width` px, in their order: droppable ones leave, lowest `dropOrder`
 * first, until the rest fit (or none is left to drop; the table then scrolls sideways).
 */
export function fitColumns(columns: Column[], width: number): Column[] {
  const droppable = columns
    .filter((column) => column.dropOrder !== undefined)
    .sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0));
  let shown = columns;
  for (const column of droppable) {
    if (minTableWidth(shown) <= width) break;
    shown = shown.filter((candidate) => candidate !== column);
  }
  return shown;
}

/**
 * The width a list table gets in the default 1200 × 780 window: the window less Shell's
 * sidebar (220 px), `main`'s padding (24 px each side), the table's border (1 px each side) and
 * a classic 15 px scrollbar (WebKitGTK's overlay scrollbars take none). Views keep the columns
 * that always show within it, so nothing scrolls sideways at the default size.
 */
export const DEFAULT_TABLE_WIDTH = 1200 - 220 - 2 * 24 - 2 * 1 - 15;
