// The report chart: Chartist draws a bar or point per value into SVG, each with its value as a
// tooltip and a hover readout; screen readers get the chart's name and a summary of its series.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ReportChart from './ReportChart.svelte';
import { chartSummary, readout } from '../lib/chart';
import { formatMoney } from '../lib/format';

afterEach(cleanup);

const euros = (value: number) => formatMoney(value, 'eur', 'en-US');
const labels = ['2026-01', '2026-02', '2026-03'];
const series = [
  { name: 'New', values: [10_000, 0, 2_500] },
  { name: 'Churn', values: [0, -5_000, -1_000] },
];

describe('chart words', () => {
  it('reads out the value under the pointer, or nothing past the data', () => {
    expect(readout(labels, series, 1, 1)).toEqual({ label: '2026-02', series: 'Churn', value: -5_000 });
    expect(readout(labels, series, 2, 0)).toBeNull();
    expect(readout(labels, series, 0, 3)).toBeNull();
  });

  it('summarizes each series by its range and last value', () => {
    expect(chartSummary(labels, series, euros)).toBe(
      '2026-01 to 2026-03. New: from €0.00 to €100.00, last €25.00. Churn: from -€50.00 to €0.00, last -€10.00.',
    );
    expect(chartSummary([], series, euros)).toBe('No data.');
  });
});

describe('ReportChart', () => {
  it('draws a bar per value with its value as a tooltip, and reads it out on hover', async () => {
    render(ReportChart, { props: { kind: 'bar', labels, series, format: euros, title: 'MRR movements', stacked: true } });
    const plot = screen.getByRole('img');
    expect(plot.getAttribute('aria-label')).toContain('MRR movements. 2026-01 to 2026-03.');
    await waitFor(() => expect(plot.querySelectorAll('.ct-bar').length).toBe(6));
    const titles = [...plot.querySelectorAll('.ct-bar title')].map((node) => node.textContent);
    expect(titles).toContain('2026-02 · Churn: -€50.00');
    expect(titles).toContain('2026-01 · New: €100.00');
    const bar = [...plot.querySelectorAll('.ct-bar')].find((node) => node.textContent === '2026-03 · New: €25.00');
    await fireEvent.mouseEnter(bar as Element);
    expect(screen.getByTestId('report-chart-hover').textContent?.trim()).toBe('2026-03 · New: €25.00');
    await fireEvent.mouseLeave(bar as Element);
    expect(screen.getByTestId('report-chart-hover').textContent?.trim()).toBe('');
    // Two series: a legend names them.
    expect(screen.getByText('Churn')).toBeTruthy();
  });

  it('draws a point per value as a line chart and draws again when the data changes', async () => {
    const { rerender } = render(ReportChart, {
      props: { kind: 'line', labels, series: [series[0]], format: euros, title: 'MRR', testid: 'mrr-chart' },
    });
    const plot = screen.getByRole('img');
    await waitFor(() => expect(plot.querySelectorAll('.ct-point').length).toBe(3));
    await rerender({ kind: 'line', labels: ['2026-04'], series: [{ name: 'New', values: [7] }], format: euros, title: 'MRR', testid: 'mrr-chart' });
    await waitFor(() => expect(plot.querySelectorAll('.ct-point').length).toBe(1));
    expect(plot.querySelector('.ct-point title')?.textContent).toBe('2026-04 · New: €0.07');
  });
});
