/** The answer of a rate limiter for one attempt. */
export interface RateDecision {
  allowed: boolean;
  /** Attempts left in the current window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the window frees an attempt (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * Counts attempts per key in a fixed window. Kept in Redis when it is configured, so that
 * limits hold across bot instances; in memory otherwise. Keys must not contain personal data
 * in clear: callers hash emails before using them as keys.
 */
export interface RateLimiter {
  consume(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
}
