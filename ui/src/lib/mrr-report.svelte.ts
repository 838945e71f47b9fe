// What the MRR and churn reports share: the month range, the report for it (reloaded when the
// range or the account changes, an answer that arrived late dropped), and the currency shown.
import type { ErrorPayload, MrrMonth, MrrReport } from './bindings';
import { lastMonths, mrrApi } from './mrr-api';
import { monthsOf } from './reports-mrr';

/** One report view's state; create it while the component initializes (it runs an effect). */
export class MrrReportState {
  from = $state('');
  to = $state('');
  report = $state<MrrReport | null>(null);
  /** The currency the user picked; the first one the report has when null or gone. */
  chosen = $state<string | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  readonly currencies = $derived(this.report?.currencies.map((one) => one.currency) ?? []);
  readonly currency = $derived(
    this.chosen && this.currencies.includes(this.chosen) ? this.chosen : (this.currencies[0] ?? null),
  );
  readonly months: MrrMonth[] = $derived(this.report && this.currency ? monthsOf(this.report, this.currency) : []);

  /** `accountId` is read inside the effect, so a switch of account reloads. */
  constructor(accountId: () => string | null, now = new Date()) {
    const initial = lastMonths(now);
    this.from = initial.from;
    this.to = initial.to;
    $effect(() => {
      const [account, first, last] = [accountId(), this.from, this.to];
      this.loading = true;
      this.error = null;
      let current = true;
      mrrApi.mrr_report(account, first, last).then(
        (answer) => {
          if (!current) return;
          this.report = answer;
          this.loading = false;
        },
        (err: ErrorPayload) => {
          if (!current) return;
          this.error = err.message;
          this.loading = false;
        },
      );
      return () => (current = false);
    });
  }
}
