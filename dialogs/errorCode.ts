/**
 * The `code` of an error (`ECONNREFUSED`, `ETIMEDOUT`, `EENVELOPE` …), for logs: codes say what
 * failed without carrying message text, which may hold an address or user input.
 */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
