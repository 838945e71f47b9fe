// Date ranges for reports: the presets the range picker offers (this month, last month, this
// quarter, this year), worked out in the user's calendar, and a check of a custom range.

export type RangePreset = 'this-month' | 'last-month' | 'quarter' | 'year' | 'custom';

/** A range of whole days, `YYYY-MM-DD`, both included. */
export interface DayRange {
  from: string;
  to: string;
}

export const PRESETS: { id: RangePreset; label: string }[] = [
  { id: 'this-month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
  { id: 'quarter', label: 'This quarter' },
  { id: 'year', label: 'This year' },
  { id: 'custom', label: 'Custom' },
];

const pad = (value: number) => String(value).padStart(2, '0');

/** `YYYY-MM-DD` of a local date. */
export function isoDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The range of a preset on the day `today` (local). `custom` answers this month. */
export function presetRange(preset: RangePreset, today: Date = new Date()): DayRange {
  const year = today.getFullYear();
  const month = today.getMonth();
  switch (preset) {
    case 'last-month':
      return { from: isoDate(new Date(year, month - 1, 1)), to: isoDate(new Date(year, month, 0)) };
    case 'quarter': {
      const first = month - (month % 3);
      return { from: isoDate(new Date(year, first, 1)), to: isoDate(new Date(year, first + 3, 0)) };
    }
    case 'year':
      return { from: `${year}-01-01`, to: `${year}-12-31` };
    default:
      return { from: isoDate(new Date(year, month, 1)), to: isoDate(new Date(year, month + 1, 0)) };
  }
}

/** What is wrong with a typed range, or null when it is usable. */
export function rangeProblem(range: DayRange): string | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(range.from) || !day.test(range.to)) return 'Enter both dates.';
  if (range.from > range.to) return 'The range starts after it ends.';
  return null;
}
