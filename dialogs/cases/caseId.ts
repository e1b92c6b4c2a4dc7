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

/** Characters of the reply-address signature (Crockford base32, 5 bits each: 80 bits). */
const SIGNATURE_LENGTH = 16;

/**
 * The signature of case `id` in its reply address: an HMAC under the inbound secret, so that
 * the address of a case cannot be derived from its (short, 30-bit) id. Lower case, because
 * mail systems may lower-case the local part.
 */
export function caseAddressSignature(id: string, key: string): string {
  const mac = crypto.createHmac('sha256', key).update(id).digest();
  let out = '';
  for (let i = 0; i < SIGNATURE_LENGTH; i++) out += CROCKFORD[mac[i] & 31];
  return out.toLowerCase();
}

/**
 * The inbound reply address of a case, from the INBOUND_ADDRESS template `case+{id}@…`:
 * `case+UHS-7K3Q9D.<signature>@uhsbot.umass.edu` with the inbound secret `key`, or
 * `case+UHS-7K3Q9D@…` without one (no listener checks it then).
 */
export function caseAddress(template: string, id: string, key?: string): string {
  return template.replace('{id}', key ? `${id}.${caseAddressSignature(id, key)}` : id);
}

/**
 * The case id in an address built by {@link caseAddress}, or `null` when the address does not
 * follow the template or, with `key`, its signature is wrong. Case-insensitive, since mail
 * systems may change the case of addresses.
 */
export function caseIdFromAddress(address: string, template: string, key?: string): string | null {
  const [before, after] = template.toLowerCase().split('{id}');
  const lower = address.trim().toLowerCase();
  if (after === undefined || !lower.startsWith(before) || !lower.endsWith(after)) return null;
  if (lower.length <= before.length + after.length) return null;
  const local = lower.slice(before.length, lower.length - after.length);
  if (!key) return normalizeCaseId(local);
  const dot = local.lastIndexOf('.');
  if (dot < 0) return null;
  const id = normalizeCaseId(local.slice(0, dot));
  if (!id) return null;
  const given = Buffer.from(local.slice(dot + 1));
  const expected = Buffer.from(caseAddressSignature(id, key));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
}
