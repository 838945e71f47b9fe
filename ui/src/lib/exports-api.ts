// Typed calls for CSV exports. Rust opens the native save dialog and writes the file; the
// window only asks, shows progress (a Channel, so only this export's progress reaches it) and
// may cancel. Either call answers `{status: 'canceled'}` when the dialog was closed.
import { Channel } from '@tauri-apps/api/core';
import { call } from './api';
import type { ExportOutcome, ExportProgress, ExportRequest, ReportTable } from './bindings';

let nextExport = 0;

/** A running accountant's export: its outcome, and a way to stop it. */
export interface RunningExport {
  done: Promise<ExportOutcome>;
  cancel: () => Promise<boolean>;
}

export const exportsApi = {
  /** Starts an export of `request`; `onProgress` hears rows written / total as it goes. */
  exportCsv(request: ExportRequest, onProgress: (progress: ExportProgress) => void): RunningExport {
    const exportId = `export-${Date.now()}-${nextExport++}`;
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return {
      done: call<ExportOutcome>('export_csv', { request, exportId, onProgress: channel }),
      cancel: () => call<boolean>('cancel_export', { exportId }),
    };
  },
  /** Writes a report's table as CSV where the user picks. */
  exportTable: (table: ReportTable) => call<ExportOutcome>('export_table', { table }),
};

/** `YYYY-MM-DD` of a local date (what a date input holds). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first and last day of the month `date` is in. */
export function monthOf(date: Date): { from: string; to: string } {
  return {
    from: isoDay(new Date(date.getFullYear(), date.getMonth(), 1)),
    to: isoDay(new Date(date.getFullYear(), date.getMonth() + 1, 0)),
  };
}
