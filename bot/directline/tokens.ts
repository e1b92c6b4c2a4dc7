import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import { z } from 'zod';

/**
 * Direct Line tokens of the local service: opaque to the browser, HMAC-SHA256 signed with a
 * per-process random key, so they cannot be forged or guessed and need no server-side table.
 * Each token is bound to ONE conversation and ONE user id, and expires.
 */

/** What a valid token grants. */
export interface TokenGrant {
  /** The only conversation this token may read and write. */
  conversationId: string;
  /** The user id the bot sees for this browser (server-chosen, never client-chosen). */
  userId: string;
  /** Expiry, in epoch milliseconds. */
  expiresAt: number;
}

/** A freshly signed token and its lifetime, shaped like Direct Line's responses. */
export interface IssuedToken {
  conversationId: string;
  userId: string;
  token: string;
  /** Seconds until expiry (Direct Line's `expires_in`). */
  expiresIn: number;
}

const VERSION = 'dl1';
const payloadSchema = z.object({
  c: z.string().min(1).max(128),
  u: z.string().min(1).max(128),
  e: z.number().int().positive(),
  n: z.string().max(64),
});

/** Signs and verifies local Direct Line tokens. */
export class TokenService {
  private readonly key: Buffer;

  /**
   * @param ttlSeconds lifetime of a token (Web Chat refreshes at half of Azure's 30 minutes)
   * @param now clock, injectable so that expiry is tested without waiting
   * @param key HMAC key; a random 32 bytes per process by default
   */
  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
    key?: Buffer,
  ) {
    this.key = key ?? randomBytes(32);
  }

  /** Signs a token for `conversationId` and `userId`, valid for the configured lifetime. */
  issue(conversationId: string, userId: string): IssuedToken {
    const payload = { c: conversationId, u: userId, e: this.now() + this.ttlSeconds * 1000, n: randomBytes(8).toString('base64url') };
    const body = `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return { conversationId, userId, token: `${body}.${this.sign(body)}`, expiresIn: this.ttlSeconds };
  }

  /** The grant of a valid, unexpired token; `undefined` for anything else (forged, expired, junk). */
  verify(token: string): TokenGrant | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = payloadSchema.safeParse(decoded);
    if (!parsed.success || parsed.data.e <= this.now()) return undefined;
    return { conversationId: parsed.data.c, userId: parsed.data.u, expiresAt: parsed.data.e };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
