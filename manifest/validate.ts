import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { PNG } from 'pngjs';

/**
 * Offline validation of a Teams app package: the manifest against the official JSON schema
 * bundled in `@microsoft/app-manifest` (no network: the Teams schemas are draft-04 and have no
 * external `$ref`), and the icons against Teams' size and colour rules read from the PNG bytes.
 */

/** Pixel sizes Teams requires for the two icons. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** Which icon: the full-colour one or the white-on-transparent outline. */
export type IconKind = keyof typeof ICON_SIZES;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const validators = new Map<string, ValidateFunction>();

/** Path of the bundled official schema for a manifest version such as `1.19`. */
export function schemaPath(manifestVersion: string): string {
  const pkg = require.resolve('@microsoft/app-manifest/package.json');
  return path.join(path.dirname(pkg), 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

function validatorFor(manifestVersion: string): ValidateFunction | null {
  const cached = validators.get(manifestVersion);
  if (cached) return cached;
  const file = schemaPath(manifestVersion);
  if (!fs.existsSync(file)) return null;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  // The schemas say draft-04, which only ajv-draft-04 reads; `strict: false` because they use
  // annotations (for example `deprecationMessage`) that ajv's strict mode rejects as unknown keywords.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv as never);
  const validate = ajv.compile(schema);
  validators.set(manifestVersion, validate);
  return validate;
}

/** Renders one ajv error the way the schema states it, with the offending location. */
function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  const detail =
    'allowedValue' in params
      ? ` (allowed: ${JSON.stringify(params.allowedValue)})`
      : 'allowedValues' in params
        ? ` (allowed: ${JSON.stringify(params.allowedValues)})`
        : 'additionalProperty' in params
          ? ` ('${String(params.additionalProperty)}')`
          : '';
  return `${where} ${error.message ?? 'is invalid'}${detail}`;
}

/**
 * Validates `manifest` against the official schema of `manifestVersion`. Returns the schema's
 * messages (empty when valid); a version without a bundled schema is reported as a problem.
 */
export function validateManifest(manifest: unknown, manifestVersion: string): string[] {
  const validate = validatorFor(manifestVersion);
  if (!validate) return [`no bundled Teams schema for manifest version ${manifestVersion} (looked in ${schemaPath(manifestVersion)})`];
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(describeError);
}

/** Width and height from a PNG's IHDR header, or `null` when the bytes are not a PNG. */
export function readPngSize(bytes: Buffer): { width: number; height: number } | null {
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4).
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Problems with one icon: not a PNG, the wrong size, or (outline) pixels that are not white. */
export function checkIcon(kind: IconKind, fileName: string, bytes: Buffer): string[] {
  const size = readPngSize(bytes);
  const want = ICON_SIZES[kind];
  if (!size) return [`${fileName} (${kind} icon) is not a PNG file`];
  if (size.width !== want || size.height !== want) {
    return [`${fileName} (${kind} icon) must be ${want}x${want} pixels, found ${size.width}x${size.height}`];
  }
  if (kind === 'outline') {
    const { data } = PNG.sync.read(bytes);
    let offending = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 0 && (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255)) offending += 1;
    }
    if (offending > 0) return [`${fileName} (outline icon) must be white on a transparent background: ${offending} pixels are neither`];
  }
  return [];
}
