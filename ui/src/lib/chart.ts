// What the report charts say in words: the value under the pointer and a summary for screen
// readers. Kept apart from the Svelte component so it is tested without drawing.

/** One line or set of bars: a value per x-axis label. */
export interface ChartSeries {
  name: string;
  values: number[];
}

/** The value a pointer is over. */
export interface HoveredValue {
  label: string;
  series: string;
  value: number;
}

/** The value of series `seriesIndex` at label `index`, or null where there is none. */
export function readout(labels: string[], series: ChartSeries[], seriesIndex: number, index: number): HoveredValue | null {
  const one = series[seriesIndex];
  const value = one?.values[index];
  if (one === undefined || value === undefined || labels[index] === undefined) return null;
  return { label: labels[index], series: one.name, value };
}

/**
 * A sentence per series: its range of labels, its lowest and highest value, and its last one.
 * The table under each chart has every number; this tells a screen reader what the picture shows.
 */
export function chartSummary(labels: string[], series: ChartSeries[], format: (value: number) => string): string {
  if (labels.length === 0 || series.length === 0) return 'No data.';
  const span = labels.length === 1 ? labels[0] : `${labels[0]} to ${labels[labels.length - 1]}`;
  const parts = series
    .filter((one) => one.values.length > 0)
    .map((one) => {
      const lowest = Math.min(...one.values);
      const highest = Math.max(...one.values);
      const last = one.values[one.values.length - 1];
      return `${one.name}: from ${format(lowest)} to ${format(highest)}, last ${format(last)}.`;
    });
  return `${span}. ${parts.join(' ')}`;
}
