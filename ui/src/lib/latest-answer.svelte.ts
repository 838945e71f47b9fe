// The answer to the newest of a series of requests (a report asked again as its range or
// account changes): an older answer that arrives late is dropped, and so is its error.
import type { ErrorPayload } from './bindings';

export class LatestAnswer<T> {
  /** The newest answer so far, or null before the first. */
  value = $state<T | null>(null);
  /** Why the newest request failed; cleared by the next answer. */
  error = $state<string | null>(null);
  #latest = 0;

  /** Waits for `request`, keeping its answer only if no newer request was made meanwhile. */
  async load(request: Promise<T>) {
    const ticket = ++this.#latest;
    try {
      const answer = await request;
      if (ticket !== this.#latest) return;
      this.value = answer;
      this.error = null;
    } catch (err) {
      if (ticket === this.#latest) this.error = (err as ErrorPayload).message ?? String(err);
    }
  }
}
