// The keys every list area shares: "/" focuses the search box, "n" starts a new one, the arrows
// move from anywhere in the list into its table, and Esc (outside a list) goes back. Keys typed
// into a field are the field's; a ticked checkbox or a button does not take letters.

/** Whether a key pressed on `target` belongs to what is being typed. */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable ||
      ['TEXTAREA', 'SELECT'].includes(target.tagName) ||
      (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)))
  );
}

/** Handles a key pressed while `list` (holding a search box and maybe a `role="grid"` table) shows. */
export function listKeys(event: KeyboardEvent, list: HTMLElement | null, onNew: () => void) {
  const grid = list?.querySelector<HTMLElement>('[role="grid"]') ?? null;
  const inGrid = !!grid && event.target instanceof Node && grid.contains(event.target);
  if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && grid && !inGrid) {
    // From anywhere in the list (the search box too), the arrows go to the table.
    event.preventDefault();
    grid.focus();
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: event.key, bubbles: true }));
    return;
  }
  if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '/') {
    event.preventDefault();
    list?.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  } else if (event.key === 'n') {
    event.preventDefault();
    onNew();
  }
}

/**
 * Esc outside a list goes back (`onBack`), unless a confirmation is open (it closes itself) or
 * a field being typed in keeps the key.
 */
export function backKey(event: KeyboardEvent, onBack: () => void) {
  if (event.key !== 'Escape' || isTyping(event.target) || document.querySelector('[role="alertdialog"]')) return;
  event.preventDefault();
  onBack();
}
