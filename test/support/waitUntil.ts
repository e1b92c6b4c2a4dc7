/**
 * Polls `check` until it returns true; rejects after `timeoutMs`. The bound is generous and only
 * matters when a test fails: a passing test returns as soon as the condition holds.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the arguments of the next `event` of `emitter` for which `match` holds. */
export function nextEvent<A extends unknown[]>(
  emitter: { on(event: string, listener: (...args: A) => void): unknown; off(event: string, listener: (...args: A) => void): unknown },
  event: string,
  match: (...args: A) => boolean = () => true,
  timeoutMs = 20000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (...args: A) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}
