import type { RateDecision, RateLimiter } from '../../dialogs/ports';

/** A fixed-window counter per key, without expiry: enough for dialog tests. */
export class FakeRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();

  async consume(key: string, limit: number): Promise<RateDecision> {
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    const allowed = used <= limit;
    return { allowed, remaining: Math.max(0, limit - used), retryAfterSeconds: allowed ? 0 : 3600 };
  }
}
