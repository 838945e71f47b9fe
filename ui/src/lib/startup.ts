// Start-up timing: the moment the window first shows an account's cached data is marked in the
// page's performance timeline (`billfold:first-data`), where the end-to-end harness reads it.
// The mark is made after the frame that draws the data, once per page load.

export const FIRST_DATA_MARK = 'billfold:first-data';

function marked(): boolean {
  return typeof performance.getEntriesByName === 'function' && performance.getEntriesByName(FIRST_DATA_MARK).length > 0;
}

/** Marks the first paint of cached data, unless it is marked already. */
export function markFirstData() {
  if (typeof performance.mark !== 'function' || marked()) return;
  const nextFrame = globalThis.requestAnimationFrame ?? ((draw: () => void) => setTimeout(draw, 0));
  nextFrame(() => {
    if (!marked()) performance.mark(FIRST_DATA_MARK);
  });
}
