// jsdom has no WebCrypto random source; Tauri's IPC mocks need one.
import { randomFillSync } from 'node:crypto';

if (!globalThis.crypto?.getRandomValues) {
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: (buffer: Uint8Array) => randomFillSync(buffer) },
  });
}
