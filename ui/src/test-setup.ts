// jsdom lacks a few browser APIs the app relies on; stand-ins so components can mount.
import { randomFillSync } from 'node:crypto';

// Tauri's IPC mocks need a WebCrypto random source.
if (!globalThis.crypto?.getRandomValues) {
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: (buffer: Uint8Array) => randomFillSync(buffer) },
  });
}

// `bind:clientHeight` observes size; jsdom does no layout, so nothing would ever be reported.
if (!('ResizeObserver' in globalThis)) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Chartist asks for media queries (responsive options); jsdom has none, so none ever match.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
