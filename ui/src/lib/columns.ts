// Column descriptions shared by the virtual table and the views that fill it.

export interface Column {
  /** Names the column; for a sortable one, also the sort key Rust knows for that list. */
  key: string;
  label: string;
  /** A CSS grid track, e.g. "120px" or "minmax(160px, 2fr)". */
  width: string;
  sortable?: boolean;
  /** Right-align (amounts). */
  numeric?: boolean;
}

/** The current sort: a column key (null = Rust's default order) and the direction. */
export interface Sort {
  key: string | null;
  descending: boolean;
}

/** Clicking a header: first ascending, then descending, then back to the default order. */
export function nextSort(current: Sort, key: string): Sort {
  if (current.key !== key) return { key, descending: false };
  if (!current.descending) return { key, descending: true };
  return { key: null, descending: false };
}
