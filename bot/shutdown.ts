/**
 * An orderly shutdown that finishes even while Redis or SMTP is down: each step gets a time
 * bound, and a step that fails or times out does not stop the ones after it. Steps run in the
 * order they were added.
 */
export class Shutdown {
  private readonly steps: Array<{ run: () => unknown; ms: number }> = [];

  /** Adds a step, given at most `ms` (default 3 s). */
  add(run: () => unknown, ms = 3000): this {
    this.steps.push({ run, ms });
    return this;
  }

  /** Runs every step once, in order. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0)) await bounded(() => step.run(), step.ms);
  }
}

/** Waits for `work` at most `ms`; its failure is swallowed (shutdown goes on). */
async function bounded(work: () => unknown, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([Promise.resolve().then(work).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
