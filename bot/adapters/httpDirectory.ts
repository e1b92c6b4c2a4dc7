import { z } from 'zod';
import type { DirectoryLookup, Log, PortalDirectory, PortalResetResult } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { emailKey } from '../../dialogs/prompts/validation';

/*
 * The JSON contract of the portal (or records) service behind `PORTAL_API_URL`. Every call is
 * `POST {base}/<operation>` with a JSON body, `Accept: application/json` and, when
 * `PORTAL_API_TOKEN` is set, `Authorization: Bearer <token>`:
 *
 * - `POST {base}/lookup` `{email, dob}` → `200 {found: false}` or
 *   `200 {found: true, record: {email, dob, portalUsername: string|null, affiliation}}`
 * - `POST {base}/lookup-by-email` `{email}` → the same shapes
 * - `POST {base}/password-reset` `{email}` → `200|202 {status: "requested" | "not-found"}`
 *   (the portal sends its own reset email)
 *
 * Anything else (a non-2xx status, not JSON, another shape, a record for another person, a
 * network error, no answer within the timeout) means "unavailable".
 */

/** The affiliations of the contract. */
const affiliationSchema = z.enum(['umass', 'hampshire', 'other']);

const recordSchema = z.object({
  email: z.string().min(3),
  dob: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/),
  portalUsername: z.string().min(1).nullable(),
  affiliation: affiliationSchema,
});

/** The response of `/lookup` and `/lookup-by-email`. */
export const lookupResponseSchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({ found: z.literal(true), record: recordSchema }),
]);

/** The response of `/password-reset`. */
export const resetResponseSchema = z.object({ status: z.enum(['requested', 'not-found']) });

/** Options for {@link HttpPortalDirectory}. */
export interface HttpDirectoryOptions {
  /** `PORTAL_API_URL`, the base the operations are appended to. */
  baseUrl: string;
  /** `PORTAL_API_TOKEN`, sent as a bearer token when set. */
  token?: string;
  /** `PORTAL_API_TIMEOUT_MS`, default 2000. */
  timeoutMs?: number;
  log?: Log;
}

/** Why a call counted as unavailable, for logs (a code, never data). */
type FailureCode = 'timeout' | 'network' | 'http-status' | 'not-json' | 'invalid-response' | 'record-mismatch';

class CallFailed {
  constructor(
    readonly code: FailureCode,
    readonly status?: number,
  ) {}
}

/**
 * The portal directory behind an HTTP API (`PORTAL_API_URL`, see the JSON contract at the top
 * of this file and in the README).
 * Never throws: every failure is the expected outcome "unavailable", and the dialog offers the
 * help desk. Responses are validated with zod, and a record is accepted only for the email
 * (and date of birth) that was asked about, so a confused service can never make the bot mail
 * someone else's username.
 */
export class HttpPortalDirectory implements PortalDirectory {
  readonly kind = 'http';
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly log: Log;

  constructor(private readonly options: HttpDirectoryOptions) {
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.log = options.log ?? silentLog;
  }

  async lookup(email: string, dob: string): Promise<DirectoryLookup> {
    return this.find('lookup', { email, dob }, (r) => emailKey(r.email) === emailKey(email) && r.dob === dob);
  }

  async findByEmail(email: string): Promise<DirectoryLookup> {
    return this.find('lookup-by-email', { email }, (r) => emailKey(r.email) === emailKey(email));
  }

  async requestPasswordReset(email: string): Promise<PortalResetResult> {
    const result = await this.call('password-reset', { email }, resetResponseSchema);
    return result instanceof CallFailed ? 'unavailable' : result.status;
  }

  private async find(operation: string, body: Record<string, string>, belongs: (record: z.infer<typeof recordSchema>) => boolean): Promise<DirectoryLookup> {
    const result = await this.call(operation, body, lookupResponseSchema);
    if (result instanceof CallFailed) return { status: 'unavailable' };
    if (!result.found) return { status: 'not-found' };
    if (!belongs(result.record)) {
      this.fail(operation, new CallFailed('record-mismatch'));
      return { status: 'unavailable' };
    }
    return { status: 'found', record: result.record };
  }

  private async call<T>(operation: string, body: Record<string, string>, schema: z.ZodType<T>): Promise<T | CallFailed> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    try {
      const response = await fetch(new URL(operation, this.base), {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        // The timeout covers the whole exchange, body included: a service that stalls must
        // not hold the user's turn.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return this.fail(operation, new CallFailed('http-status', response.status));
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return this.fail(operation, new CallFailed('not-json'));
      }
      const parsed = schema.safeParse(json);
      return parsed.success ? parsed.data : this.fail(operation, new CallFailed('invalid-response'));
    } catch (err) {
      return this.fail(operation, new CallFailed(isTimeout(err) ? 'timeout' : 'network'));
    }
  }

  /** Logs why a call failed (a code and the HTTP status, never data) and returns the failure. */
  private fail(operation: string, failure: CallFailed): CallFailed {
    this.log.warn({ event: 'directory-unavailable', adapter: this.kind, operation, code: failure.code, status: failure.status }, 'portal directory call failed');
    return failure;
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}
