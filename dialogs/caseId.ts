import crypto from 'node:crypto';

/**
 * Case ids: `UHS-` and six characters of Crockford base32, for example `UHS-7K3Q9D`.
 *
 * Why Crockford base32: no I, L, O or U, so an id read aloud on the phone or copied from an
 * email cannot be misread (0/O, 1/I/L), and it survives the lower-casing some mail systems
 * apply to the local part of an address (`case+uhs-7k3q9d@…`). Six characters give 2^30
 * (about a billion) ids: random ones collide rarely, and the stores reserve each id
 * atomically (Redis `SET NX`, a map check in memory) and draw again on a collision, so ids
 * are unique across bot instances without a central counter.
 */

/** The fixed part in front of every case id. */
export const CASE_ID_PREFIX = 'UHS-';

/** Crockford's base32 alphabet (no I, L, O, U). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_LENGTH = 6;

/** A well-formed case id in canonical form. */
export const CASE_ID_PATTERN = /^UHS-[0-9A-HJKMNP-TV-Z]{6}$/;

/** A fresh random case id. `randomBytes` is injectable so tests can force collisions. */
export function newCaseId(randomBytes: (size: number) => Uint8Array = crypto.randomBytes): string {
  // 30 bits: take 5 bits from each of six bytes (the top 3 bits of each byte are dropped,
  // which keeps every character uniformly distributed).
  const bytes = randomBytes(ID_LENGTH);
  let out = CASE_ID_PREFIX;
  for (let i = 0; i < ID_LENGTH; i++) out += CROCKFORD[bytes[i] & 31];
  return out;
}

/**
 * The canonical id for what a person or a mail system typed, or `null` when it is not a case
 * id. Case-insensitive; applies Crockford's decoding rules (O→0, I/L→1) and ignores a missing
 * dash, so `uhs-7k3q9d`, `UHS7K3Q9D` and `UHS-7K3Q9D` are the same case.
 */
export function normalizeCaseId(text: string): string | null {
  const compact = text.trim().toUpperCase().replace(/^UHS-?/, '');
  if (compact.length !== ID_LENGTH) return null;
  const mapped = compact.replace(/O/g, '0').replace(/[IL]/g, '1');
  const id = CASE_ID_PREFIX + mapped;
  return CASE_ID_PATTERN.test(id) ? id : null;
}

/**
 * The inbound reply address of a case, from the INBOUND_ADDRESS template `case+{id}@…`:
 * `case+UHS-7K3Q9D@uhsbot.umass.edu`.
 */
export function caseAddress(template: string, id: string): string {
  return template.replace('{id}', id);
}

/**
 * The case id in an address built by {@link caseAddress}, or `null` when the address does not
 * follow the template. Case-insensitive, since mail systems may change the case of addresses.
 */
export function caseIdFromAddress(address: string, template: string): string | null {
  const [before, after] = template.toLowerCase().split('{id}');
  const lower = address.trim().toLowerCase();
  if (after === undefined || !lower.startsWith(before) || !lower.endsWith(after)) return null;
  if (lower.length <= before.length + after.length) return null;
  return normalizeCaseId(lower.slice(before.length, lower.length - after.length));
}
