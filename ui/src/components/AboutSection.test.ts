// Settings → About: version and folders, opening a folder by name, copying the diagnostics,
// the copy-by-hand fallback when the clipboard refuses, the preview, and the start-up error
// screen offering the same.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import AboutSection from './AboutSection.svelte';
import App from '../App.svelte';
import type { AboutInfo } from '../lib/bindings';
import { fakeBackend, resetApp } from '../test-support/backend';

const ABOUT: AboutInfo = {
  version: '1.2.3',
  data_dir: '/home/ada/.local/share/app.billfold.desktop',
  log_dir: '/home/ada/.local/share/app.billfold.desktop/logs',
};
const REPORT = 'Billfold diagnostics\n\n== App ==\nBillfold: 1.2.3\n';

function aboutBackend(overrides: Record<string, (args: any) => unknown> = {}) {
  return fakeBackend({
    about_info: () => ABOUT,
    diagnostics: () => REPORT,
    open_app_folder: () => null,
    ...overrides,
  });
}

/** Replaces `navigator.clipboard` with one whose `writeText` does what `write` says. */
function mockClipboard(writeText: (text: string) => Promise<void>) {
  const clipboard = { writeText: vi.fn(writeText) };
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
  return clipboard;
}

/** jsdom's Blob has no `text()`; FileReader reads it. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

afterEach(() => {
  cleanup();
  resetApp();
  Reflect.deleteProperty(navigator, 'clipboard');
  vi.unstubAllGlobals();
});

describe('about', () => {
  it('shows the version and the data and log folders', async () => {
    aboutBackend();
    render(AboutSection);
    await waitFor(() => expect(screen.getByTestId('about-version').textContent).toBe('Billfold 1.2.3'));
    expect(screen.getByTestId('about-data-dir').textContent).toBe(ABOUT.data_dir);
    expect(screen.getByTestId('about-log-dir').textContent).toBe(ABOUT.log_dir);
  });

  it('opens a folder by its name, never by a path', async () => {
    const backend = aboutBackend();
    render(AboutSection);
    await waitFor(() => expect((screen.getByTestId('about-open-data') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('about-open-data'));
    await fireEvent.click(screen.getByTestId('about-open-logs'));
    await waitFor(() => expect(backend.argsOf('open_app_folder')).toEqual([{ folder: 'data' }, { folder: 'logs' }]));
  });

  it('says why a folder could not be opened', async () => {
    aboutBackend({
      open_app_folder: () => {
        throw { code: 'internal', message: 'the folder could not be opened: no file manager' };
      },
    });
    render(AboutSection);
    await waitFor(() => expect((screen.getByTestId('about-open-logs') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('about-open-logs'));
    expect((await screen.findByTestId('about-error')).textContent).toContain('no file manager');
  });

  it('copies the diagnostics from Rust to the clipboard and says so', async () => {
    const backend = aboutBackend();
    const clipboard = mockClipboard(async () => {});
    render(AboutSection);
    await fireEvent.click(screen.getByTestId('copy-diagnostics'));
    expect((await screen.findByTestId('diagnostics-copied')).textContent).toContain('Copied');
    expect(backend.argsOf('diagnostics')).toHaveLength(1);
    expect(clipboard.writeText).toHaveBeenCalledWith(REPORT);
    expect(screen.queryByTestId('diagnostics-manual')).toBeNull();
  });

  it('hands the clipboard a ClipboardItem that waits for the text, where the web view has one', async () => {
    // WebKit refuses a write that comes after the IPC round trip, but not a ClipboardItem
    // made during the click whose text arrives later.
    vi.stubGlobal(
      'ClipboardItem',
      class {
        constructor(readonly items: Record<string, Promise<Blob>>) {}
      },
    );
    let written: string | null = null;
    const clipboard = mockClipboard(async () => {});
    Object.assign(clipboard, {
      write: vi.fn(async (items: Array<{ items: Record<string, Promise<Blob>> }>) => {
        written = await readBlob(await items[0].items['text/plain']);
      }),
    });
    aboutBackend();
    render(AboutSection);
    await fireEvent.click(screen.getByTestId('copy-diagnostics'));
    await screen.findByTestId('diagnostics-copied');
    expect(written).toBe(REPORT);
    expect(clipboard.writeText).not.toHaveBeenCalled();
  });

  it('shows the text selected in a read-only box when the clipboard refuses', async () => {
    mockClipboard(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    aboutBackend();
    render(AboutSection);
    await fireEvent.click(screen.getByTestId('copy-diagnostics'));
    const box = (await screen.findByTestId('diagnostics-manual')) as HTMLTextAreaElement;
    expect(box.value).toBe(REPORT);
    expect(box.readOnly).toBe(true);
    expect([box.selectionStart, box.selectionEnd]).toEqual([0, REPORT.length]);
    expect(document.activeElement).toBe(box);
    expect(screen.getByTestId('diagnostics-copy-refused').textContent).toContain('Ctrl+C');
    expect(screen.queryByTestId('diagnostics-copied')).toBeNull();
  });

  it('falls back to the box when there is no clipboard at all', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    aboutBackend();
    render(AboutSection);
    await fireEvent.click(screen.getByTestId('copy-diagnostics'));
    expect(((await screen.findByTestId('diagnostics-manual')) as HTMLTextAreaElement).value).toBe(REPORT);
  });

  it('shows the error when the diagnostics cannot be gathered, and copies nothing', async () => {
    const clipboard = mockClipboard(async () => {});
    aboutBackend({
      diagnostics: () => {
        throw { code: 'internal', message: 'the diagnostics could not be gathered' };
      },
    });
    render(AboutSection);
    await fireEvent.click(screen.getByTestId('copy-diagnostics'));
    expect((await screen.findByTestId('about-error')).textContent).toContain('could not be gathered');
    expect(clipboard.writeText).not.toHaveBeenCalled();
    expect(screen.queryByTestId('diagnostics-manual')).toBeNull();
    expect(screen.queryByTestId('diagnostics-copied')).toBeNull();
  });

  it('previews the diagnostics on demand', async () => {
    const backend = aboutBackend();
    render(AboutSection);
    expect(screen.queryByTestId('diagnostics-preview')).toBeNull();
    const toggle = screen.getByTestId('toggle-diagnostics-preview');
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await waitFor(() => expect(screen.getByTestId('diagnostics-preview').textContent).toBe(REPORT));
    expect(backend.argsOf('diagnostics')).toHaveLength(1);
    await fireEvent.click(toggle);
    expect(screen.queryByTestId('diagnostics-preview')).toBeNull();
  });

  it('is offered on the start-up error screen too', async () => {
    aboutBackend({
      app_overview: () => {
        throw { code: 'store_newer_version', message: 'This database was written by a newer version of Billfold' };
      },
    });
    render(App);
    const screenError = await screen.findByTestId('startup-error');
    expect(screenError.textContent).toContain('newer version of Billfold');
    await waitFor(() => expect(screen.getByTestId('about-data-dir').textContent).toBe(ABOUT.data_dir));
    expect(screen.getByTestId('copy-diagnostics')).toBeTruthy();
  });
});
