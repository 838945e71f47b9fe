// Settings → Sync: validation, the exposed-listener warning, saving and Rust's errors.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SyncSettingsSection from './SyncSettingsSection.svelte';
import type { SyncSettings } from '../lib/bindings';
import { isLoopbackHost } from '../lib/net';
import { fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

async function openSettings() {
  render(SyncSettingsSection);
  return (await screen.findByTestId('sync-poll-interval')) as HTMLInputElement;
}

describe('sync settings', () => {
  it('loads the settings and saves what was changed', async () => {
    const backend = fakeBackend({ set_sync_settings: ({ settings }: { settings: SyncSettings }) => settings });
    const poll = await openSettings();
    expect(poll.value).toBe('60');
    expect((screen.getByTestId('sync-listener-bind') as HTMLInputElement).value).toBe('127.0.0.1');
    expect((screen.getByTestId('sync-listener-port') as HTMLInputElement).value).toBe('4243');

    await fireEvent.input(poll, { target: { value: '300' } });
    await fireEvent.click(screen.getByTestId('sync-listener-enabled'));
    await fireEvent.input(screen.getByTestId('sync-listener-port'), { target: { value: '5000' } });
    await fireEvent.submit(screen.getByTestId('sync-settings-form'));
    await screen.findByTestId('sync-settings-saved');
    expect(backend.argsOf('set_sync_settings')).toEqual([
      { settings: { poll_interval_secs: 300, listener_enabled: true, listener_bind: '127.0.0.1', listener_port: 5000 } },
    ]);
  });

  it('refuses poll intervals outside 15..3600 and bad ports before asking Rust', async () => {
    const backend = fakeBackend({ set_sync_settings: ({ settings }: { settings: SyncSettings }) => settings });
    const poll = await openSettings();
    const save = screen.getByTestId('sync-settings-save') as HTMLButtonElement;
    for (const bad of ['14', '3601', '60.5', '']) {
      await fireEvent.input(poll, { target: { value: bad } });
      expect(screen.getByTestId('sync-poll-error').textContent).toContain('15 to 3600');
      expect(save.disabled).toBe(true);
    }
    await fireEvent.input(poll, { target: { value: '15' } });
    expect(screen.queryByTestId('sync-poll-error')).toBeNull();
    await fireEvent.input(poll, { target: { value: '3600' } });
    expect(save.disabled).toBe(false);

    await fireEvent.input(screen.getByTestId('sync-listener-port'), { target: { value: '70000' } });
    expect(screen.getByTestId('sync-port-error')).toBeTruthy();
    await fireEvent.submit(screen.getByTestId('sync-settings-form'));
    expect(backend.argsOf('set_sync_settings')).toHaveLength(0);
  });

  it('warns when the listener would be reachable from other machines', async () => {
    fakeBackend();
    await openSettings();
    const bind = screen.getByTestId('sync-listener-bind');
    expect(screen.queryByTestId('sync-bind-warning')).toBeNull();
    await fireEvent.input(bind, { target: { value: '0.0.0.0' } });
    expect(screen.getByTestId('sync-bind-warning').textContent).toContain('other machines');
    await fireEvent.input(bind, { target: { value: '192.168.1.20' } });
    expect(screen.getByTestId('sync-bind-warning')).toBeTruthy();
    for (const loopback of ['localhost', '::1', '127.0.0.1']) {
      await fireEvent.input(bind, { target: { value: loopback } });
      expect(screen.queryByTestId('sync-bind-warning')).toBeNull();
    }
  });

  it('shows the message of an error from Rust', async () => {
    fakeBackend({
      set_sync_settings: () => {
        throw { code: 'validation', message: 'Port 4243 is in use by another program.' };
      },
    });
    await openSettings();
    await fireEvent.submit(screen.getByTestId('sync-settings-form'));
    const error = await screen.findByTestId('sync-settings-error');
    expect(error.textContent).toBe('Port 4243 is in use by another program.');
    expect(screen.queryByTestId('sync-settings-saved')).toBeNull();
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost(' LOCALHOST ')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });
});
