import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { projectRoot } from '../knowledge/projectRoot';
import { checkIcon, validateManifest, type IconKind } from './validate';

/**
 * Builds the Teams app package (`manifest/build/appPackage.zip`): fills the template's
 * `${{NAME}}` placeholders from the environment, validates the result offline against the
 * official schema and the icon rules, and zips manifest.json with the two icons at the root,
 * as Teams expects. Nothing is written when anything is wrong.
 */

/** Matches a template placeholder such as `${{MicrosoftAppId}}`, the Teams Toolkit syntax. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** What {@link buildAppPackage} reads; every field has a default for the real project. */
export interface BuildOptions {
  /** Environment to read `MicrosoftAppId` and `TEAMS_APP_ID` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Folder holding manifest.template.json, color.png and outline.png (default `<root>/manifest`). */
  sourceDir?: string;
  /** Where to write the zip (default `<root>/manifest/build/appPackage.zip`). */
  outFile?: string;
}

/** The outcome of a build: the package, or every problem found (a failed build is a value, not an exception). */
export type BuildResult =
  | { ok: true; manifest: Record<string, unknown>; outFile: string; bytes: number; notes: string[] }
  | { ok: false; problems: string[] };

/** The values the template's placeholders take, or the problems that prevent it. */
export function placeholderValues(env: NodeJS.ProcessEnv, appVersion: string): { values: Record<string, string>; problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const botId = env.MicrosoftAppId?.trim() ?? '';
  let teamsAppId = env.TEAMS_APP_ID?.trim() ?? '';
  if (botId === '') {
    problems.push('MicrosoftAppId is not set: set it to the bot\'s Microsoft App ID (the GUID of the Azure Bot or Teams Developer Portal bot registration)');
  } else if (!GUID.test(botId)) {
    problems.push(`MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000, got "${botId}"`);
  }
  if (teamsAppId === '') {
    // Teams accepts the bot's id as the app id, the usual choice for a single-bot app; saying
    // so keeps the operator aware that re-registering the bot would change the app's identity.
    teamsAppId = botId;
    if (botId !== '') notes.push('TEAMS_APP_ID is not set: using MicrosoftAppId as the Teams app id');
  } else if (!GUID.test(teamsAppId)) {
    problems.push(`TEAMS_APP_ID must be a GUID such as 00000000-0000-0000-0000-000000000000, got "${teamsAppId}"`);
  }
  return { values: { MicrosoftAppId: botId, TEAMS_APP_ID: teamsAppId, APP_VERSION: appVersion }, problems, notes };
}

/**
 * Replaces placeholders in every string of the parsed template (never in the raw JSON text,
 * so a value can never break the JSON). Unknown placeholders are problems.
 */
export function fillTemplate(template: unknown, values: Record<string, string>): { manifest: unknown; problems: string[] } {
  const problems = new Set<string>();
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (whole, name: string) => {
        if (name in values) return values[name];
        problems.add(`the template uses \${{${name}}}, which the build does not know`);
        return whole;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    }
    return node;
  };
  return { manifest: fill(template), problems: [...problems] };
}

/** Reads the icons the manifest names and checks them; returns the bytes to zip. */
function readIcons(manifest: Record<string, unknown>, sourceDir: string): { files: Map<string, Buffer>; problems: string[] } {
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  const icons = (manifest.icons ?? {}) as Partial<Record<IconKind, unknown>>;
  for (const kind of ['color', 'outline'] as const) {
    const name = icons[kind];
    if (typeof name !== 'string') continue; // the schema already reported it
    const file = path.join(sourceDir, name);
    if (!fs.existsSync(file)) {
      problems.push(`${name} (${kind} icon) is missing from ${sourceDir}`);
      continue;
    }
    const bytes = fs.readFileSync(file);
    problems.push(...checkIcon(kind, name, bytes));
    files.set(path.basename(name), bytes);
  }
  return { files, problems };
}

/** Builds and validates the app package; see {@link BuildOptions} for the defaults. */
export async function buildAppPackage(options: BuildOptions = {}): Promise<BuildResult> {
  const root = projectRoot();
  const sourceDir = options.sourceDir ?? path.join(root, 'manifest');
  const outFile = options.outFile ?? path.join(root, 'manifest', 'build', 'appPackage.zip');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const template = JSON.parse(fs.readFileSync(path.join(sourceDir, 'manifest.template.json'), 'utf8')) as Record<string, unknown>;

  const { values, problems, notes } = placeholderValues(options.env ?? process.env, pkg.version);
  if (problems.length > 0) return { ok: false, problems };
  const filled = fillTemplate(template, values);
  const manifest = filled.manifest as Record<string, unknown>;
  const icons = readIcons(manifest, sourceDir);
  const all = [...filled.problems, ...(await validateManifest(manifest)), ...icons.problems];
  if (all.length > 0) return { ok: false, problems: all };

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, bytes] of icons.files) zip.file(name, bytes);
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, bytes);
  return { ok: true, manifest, outFile, bytes: bytes.length, notes };
}

/** `npm run manifest`: prints where the package went, or every problem and exits 1. */
async function main(): Promise<void> {
  const result = await buildAppPackage();
  if (!result.ok) {
    process.stderr.write(`Teams app package NOT built:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), result.outFile)} (${result.bytes} bytes): upload it in Teams > Apps > Manage your apps > Upload an app.\n`);
}

if (require.main === module) {
  void main();
}
