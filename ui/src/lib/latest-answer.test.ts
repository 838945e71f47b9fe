// A report asked twice in a row shows the second answer even when the first arrives after it.
import { describe, expect, it } from 'vitest';
import { LatestAnswer } from './latest-answer.svelte';

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (reason: unknown) => void = () => {};
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('LatestAnswer', () => {
  it('keeps the newest request’s answer and drops a late older one and its error', async () => {
    const answer = new LatestAnswer<string>();
    const first = deferred<string>();
    const second = deferred<string>();
    const loadingFirst = answer.load(first.promise);
    const loadingSecond = answer.load(second.promise);
    second.resolve('March');
    await loadingSecond;
    first.resolve('February');
    await loadingFirst;
    expect(answer.value).toBe('March');

    const failing = deferred<string>();
    const newest = deferred<string>();
    const loadingFailing = answer.load(failing.promise);
    const loadingNewest = answer.load(newest.promise);
    failing.reject({ code: 'validation', message: 'old range' });
    await loadingFailing;
    expect(answer.error).toBeNull();
    newest.reject({ code: 'validation', message: 'The range ends before it starts.' });
    await loadingNewest;
    expect(answer.error).toBe('The range ends before it starts.');
    expect(answer.value).toBe('March');
  });
});
