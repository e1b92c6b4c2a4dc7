import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Direct Line tokens of the local service: JWTs (HS256) signed with a per-process random key,
 * so they cannot be forged or guessed and need no server-side table. Each token is bound to
 * ONE conversation and ONE user id, and expires. The user id is the `user` claim, where Web
 * Chat looks for it (as in Azure's tokens), so the page never has to pass a user id itself.
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

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const claimsSchema = z.object({
  conv: z.string().min(1).max(128),
  user: z.string().min(1).max(128),
  exp: z.number().int().positive(),
  jti: z.string().max(64),
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
    const claims = {
      conv: conversationId,
      user: userId,
      exp: Math.floor(this.now() / 1000) + this.ttlSeconds,
      jti: randomBytes(8).toString('base64url'),
    };
    const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { conversationId, userId, token: `${body}.${this.sign(body)}`, expiresIn: this.ttlSeconds };
  }

  /** The grant of a valid, unexpired token; `undefined` for anything else (forged, expired, junk). */
  verify(token: string): TokenGrant | undefined {
    const parts = token.split('.');
    // Only our exact header: no "alg: none" or algorithm switching.
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
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
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success || parsed.data.exp * 1000 <= this.now()) return undefined;
    return { conversationId: parsed.data.conv, userId: parsed.data.user, expiresAt: parsed.data.exp * 1000 };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
