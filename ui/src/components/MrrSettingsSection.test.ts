// Settings → MRR discounts: loads the setting, saves a pick at once, and goes back to what was
// saved when Rust refuses.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import MrrSettingsSection from './MrrSettingsSection.svelte';
import { fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const radio = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe('MRR discounts setting', () => {
  it('loads Stripe’s definition and saves every discount when picked', async () => {
    const backend = fakeBackend({ get_mrr_discounts: () => 'forever', set_mrr_discounts: () => null });
    render(MrrSettingsSection);
    await screen.findByTestId('mrr-discounts');
    expect(radio('mrr-discounts-forever').checked).toBe(true);
    await fireEvent.click(radio('mrr-discounts-all'));
    expect(await screen.findByTestId('mrr-discounts-saved')).toBeTruthy();
    expect(backend.argsOf('set_mrr_discounts')).toEqual([{ mode: 'all' }]);
    expect(radio('mrr-discounts-all').checked).toBe(true);
  });

  it('goes back to the saved choice when saving fails', async () => {
    fakeBackend({
      get_mrr_discounts: () => 'forever',
      set_mrr_discounts: () => { throw { code: 'store', message: 'The database is locked.' }; },
    });
    render(MrrSettingsSection);
    await screen.findByTestId('mrr-discounts');
    await fireEvent.click(radio('mrr-discounts-all'));
    expect((await screen.findByTestId('mrr-discounts-error')).textContent).toContain('locked');
    expect(radio('mrr-discounts-forever').checked).toBe(true);
  });
});
