import fs from 'node:fs';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { PNG } from 'pngjs';

/**
 * Offline validation of a Teams app package: the manifest with `@microsoft/app-manifest`'s own
 * validator against the official schema it bundles (loaded from the package, no network: the
 * manifest's `$schema` must be the official URL of its `manifestVersion`), and the icons against
 * Teams' size and colour rules read from the PNG bytes.
 */

/** Pixel sizes Teams requires for the two icons. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** Which icon: the full-colour one or the white-on-transparent outline. */
export type IconKind = keyof typeof ICON_SIZES;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function teamsSchemasDir(): string {
  const pkg = require.resolve('@microsoft/app-manifest/package.json');
  return path.join(path.dirname(pkg), 'build', 'json-schemas', 'teams');
}

/** Path of the bundled official schema for a manifest version such as `1.30`. */
export function schemaPath(manifestVersion: string): string {
  return path.join(teamsSchemasDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** The official schema URL of a manifest version (what `$schema` must say). */
export function schemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

/**
 * The newest released schema version `@microsoft/app-manifest` bundles: the highest numbered
 * `v1.N` folder (`vDevPreview` is the preview, never a release).
 */
export function newestBundledSchemaVersion(): string {
  const versions = fs
    .readdirSync(teamsSchemasDir())
    .map((name) => /^v(\d+)\.(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && fs.existsSync(path.join(teamsSchemasDir(), m[0], 'MicrosoftTeams.schema.json')))
    .map((m) => [Number(m[1]), Number(m[2])] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no Teams schema bundled in ${teamsSchemasDir()}`);
  return `${newest[0]}.${newest[1]}`;
}

/**
 * Validates `manifest` with `AppManifestUtils.validateAgainstSchema` against the bundled schema of
 * its `manifestVersion`. Returns the schema's messages (empty when valid), `(root)` standing for
 * the top level. A version without a bundled schema, or a `$schema` that is not its official URL
 * (which the validator would download), is a problem of its own.
 */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  if (!fs.existsSync(schemaPath(version))) return [`no bundled Teams schema for manifest version ${version} (looked in ${schemaPath(version)})`];
  if (manifest.$schema !== schemaUrl(version)) return [`$schema must be ${schemaUrl(version)} (the schema of manifestVersion ${version})`];
  const problems = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest);
  return problems.map((p) => (p.startsWith(' ') ? `(root)${p}` : p));
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
