import crypto from 'node:crypto';

/**
 * A SHA-256 hex digest: rate-limit keys never hold an email (or any id) in clear. The one-shot
 * `crypto.hash` (Node 20.12+) skips the Hash object `createHash` builds; this runs on every
 * request (the per-conversation limit), and the load profile showed that object.
 */
export function sha256(value: string): string {
  return crypto.hash('sha256', value, 'hex');
}
