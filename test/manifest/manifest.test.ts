import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { buildAppPackage, fillTemplate } from '../../manifest/build';
import { colorIconPng, outlineIconPng } from '../../manifest/icons';
import { checkIcon, newestBundledSchemaVersion, readPngSize, schemaPath, schemaUrl, validateManifest } from '../../manifest/validate';
import { projectRoot } from '../../knowledge/projectRoot';

const BOT_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const APP_ID = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const SOURCE_DIR = path.join(projectRoot(), 'manifest');

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhs-manifest-'));
  tempDirs.push(dir);
  return dir;
}

/** A copy of the manifest sources in a temp folder, to break one thing at a time. */
function copySources(): string {
  const dir = tempDir();
  for (const file of ['manifest.template.json', 'color.png', 'outline.png']) fs.copyFileSync(path.join(SOURCE_DIR, file), path.join(dir, file));
  return dir;
}

/** A valid filled manifest to break in the schema tests. */
function validManifest(): Record<string, unknown> {
  const template = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'manifest.template.json'), 'utf8'));
  return fillTemplate(template, { MicrosoftAppId: BOT_ID, TEAMS_APP_ID: APP_ID, APP_VERSION: '1.0.0' }).manifest as Record<string, unknown>;
}

function solidPng(size: number, rgba: [number, number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < png.data.length; i += 4) png.data.set(rgba, i);
  return PNG.sync.write(png);
}

describe('Teams app package (manifest/)', () => {
  after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the template is on the newest released schema @microsoft/app-manifest bundles (1.30 or later)', () => {
    const template = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'manifest.template.json'), 'utf8')) as Record<string, unknown>;
    const newest = newestBundledSchemaVersion();
    expect(Number(newest.split('.')[1])).to.be.at.least(30);
    expect(template.manifestVersion).to.equal(newest);
    expect(template.$schema).to.equal(schemaUrl(newest));
  });

  it('builds appPackage.zip with the bot id, app id, scopes and commands, valid against the official schema with its own validator', async () => {
    const outFile = path.join(tempDir(), 'appPackage.zip');
    const result = await buildAppPackage({ env: { MicrosoftAppId: BOT_ID, TEAMS_APP_ID: APP_ID }, outFile });
    if (!result.ok) expect.fail(result.problems.join('\n'));

    const zip = await JSZip.loadAsync(fs.readFileSync(outFile));
    expect(Object.keys(zip.files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.manifestVersion).to.equal(newestBundledSchemaVersion());
    expect(manifest.id).to.equal(APP_ID);
    const [bot] = manifest.bots;
    expect(bot.botId).to.equal(BOT_ID);
    expect(bot.scopes).to.have.members(['personal', 'team']);
    for (const list of bot.commandLists) {
      expect(list.commands.map((c: { title: string }) => c.title)).to.include.members(['help', 'cases', 'claim', 'resolve']);
    }
    expect(JSON.stringify(manifest)).not.to.contain('${{');
    expect(await validateManifest(manifest)).to.deep.equal([]);
    expect(checkIcon('color', 'color.png', await zip.file('color.png')!.async('nodebuffer'))).to.deep.equal([]);
    expect(checkIcon('outline', 'outline.png', await zip.file('outline.png')!.async('nodebuffer'))).to.deep.equal([]);
  });

  it('uses MicrosoftAppId as the Teams app id when TEAMS_APP_ID is unset, and says so', async () => {
    const result = await buildAppPackage({ env: { MicrosoftAppId: BOT_ID }, outFile: path.join(tempDir(), 'appPackage.zip') });
    if (!result.ok) expect.fail(result.problems.join('\n'));
    expect(result.manifest.id).to.equal(BOT_ID);
    expect(result.notes.join(' ')).to.contain('TEAMS_APP_ID');
  });

  it('refuses to build without MicrosoftAppId, naming the variable, and writes nothing', async () => {
    const outFile = path.join(tempDir(), 'appPackage.zip');
    const result = await buildAppPackage({ env: {}, outFile });
    expect(result.ok).to.equal(false);
    expect(result.ok ? [] : result.problems).to.have.length(1).and.to.satisfy((p: string[]) => p[0].startsWith('MicrosoftAppId is not set'));
    expect(fs.existsSync(outFile)).to.equal(false);
  });

  it('refuses ids that are not GUIDs, naming each variable', async () => {
    const result = await buildAppPackage({ env: { MicrosoftAppId: 'my-bot', TEAMS_APP_ID: '1234' }, outFile: path.join(tempDir(), 'x.zip') });
    expect(result.ok ? [] : result.problems.map((p) => p.split(' ')[0])).to.deep.equal(['MicrosoftAppId', 'TEAMS_APP_ID']);
  });

  it('validates from the schema bundled in node_modules, which has no remote $ref (no network needed)', () => {
    const file = schemaPath(newestBundledSchemaVersion());
    expect(file).to.contain(path.join('node_modules', '@microsoft', 'app-manifest'));
    const refs = fs.readFileSync(file, 'utf8').match(/"\$ref"\s*:\s*"[^"]*"/g) ?? [];
    expect(refs.length).to.be.greaterThan(0);
    expect(refs.filter((r) => !r.includes('"#'))).to.deep.equal([]);
  });

  describe('a broken manifest fails with the schema message', () => {
    it('a missing required field', async () => {
      const manifest = validManifest();
      delete manifest.version;
      expect(await validateManifest(manifest)).to.deep.equal(['(root) must have required property \'version\'. Details: {"missingProperty":"version"}']);
    });

    it('a manifestVersion that does not match its $schema, or has no bundled schema', async () => {
      expect(await validateManifest({ ...validManifest(), manifestVersion: '1.19' })).to.deep.equal([`$schema must be ${schemaUrl('1.19')} (the schema of manifestVersion 1.19)`]);
      expect((await validateManifest({ ...validManifest(), manifestVersion: '1.18' }))[0]).to.match(/^no bundled Teams schema for manifest version 1\.18/);
      const older = { ...validManifest(), $schema: schemaUrl('1.29'), manifestVersion: '1.29' };
      expect(await validateManifest(older), 'an older bundled schema validates too').to.deep.equal([]);
    });

    it('a bot id that is not a GUID, and an unknown property', async () => {
      const manifest = validManifest();
      (manifest.bots as Array<Record<string, unknown>>)[0].botId = 'not-a-guid';
      manifest.colour = 'red';
      const problems = await validateManifest(manifest);
      expect(problems.some((p) => p.startsWith('/bots/0/botId must match pattern "^[0-9a-fA-F]{8}-'))).to.equal(true);
      expect(problems).to.include('(root) must NOT have additional properties. Details: {"additionalProperty":"colour"}');
    });

    it('stops the build: a template without accentColor produces no package', async () => {
      const dir = copySources();
      const template = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.template.json'), 'utf8'));
      delete template.accentColor;
      fs.writeFileSync(path.join(dir, 'manifest.template.json'), JSON.stringify(template));
      const outFile = path.join(dir, 'out.zip');
      const result = await buildAppPackage({ env: { MicrosoftAppId: BOT_ID }, sourceDir: dir, outFile });
      expect(result.ok ? [] : result.problems).to.deep.equal(['(root) must have required property \'accentColor\'. Details: {"missingProperty":"accentColor"}']);
      expect(fs.existsSync(outFile)).to.equal(false);
    });

    it('reports a placeholder the build does not know', () => {
      const { problems } = fillTemplate({ name: '${{NOPE}}' }, { MicrosoftAppId: BOT_ID });
      expect(problems).to.deep.equal(['the template uses ${{NOPE}}, which the build does not know']);
    });
  });

  describe('icons', () => {
    it('reads the size from the PNG header: 192x192 colour, 32x32 outline', () => {
      expect(readPngSize(fs.readFileSync(path.join(SOURCE_DIR, 'color.png')))).to.deep.equal({ width: 192, height: 192 });
      expect(readPngSize(fs.readFileSync(path.join(SOURCE_DIR, 'outline.png')))).to.deep.equal({ width: 32, height: 32 });
      expect(readPngSize(Buffer.from('GIF89a not a png at all, really'))).to.equal(null);
    });

    it('catches a wrong-size icon, and the build refuses it', async () => {
      const wrong = solidPng(100, [0x88, 0x1c, 0x1c, 255]);
      expect(checkIcon('color', 'color.png', wrong)).to.deep.equal(['color.png (color icon) must be 192x192 pixels, found 100x100']);
      const dir = copySources();
      fs.copyFileSync(path.join(dir, 'color.png'), path.join(dir, 'outline.png'));
      const result = await buildAppPackage({ env: { MicrosoftAppId: BOT_ID }, sourceDir: dir, outFile: path.join(dir, 'out.zip') });
      expect(result.ok ? [] : result.problems).to.deep.equal(['outline.png (outline icon) must be 32x32 pixels, found 192x192']);
    });

    it('catches an outline icon that is not white on transparent, and a file that is not a PNG', () => {
      expect(checkIcon('outline', 'outline.png', solidPng(32, [0x88, 0x1c, 0x1c, 255]))).to.deep.equal([
        'outline.png (outline icon) must be white on a transparent background: 1024 pixels are neither',
      ]);
      expect(checkIcon('outline', 'outline.png', solidPng(32, [255, 255, 255, 128]))).to.deep.equal([]);
      expect(checkIcon('color', 'color.png', Buffer.from('not a png'))).to.deep.equal(['color.png (color icon) is not a PNG file']);
    });

    it('the committed icons are exactly what manifest/icons.ts draws (regenerate with node dist/manifest/icons.js)', () => {
      expect(colorIconPng().equals(fs.readFileSync(path.join(SOURCE_DIR, 'color.png')))).to.equal(true);
      expect(outlineIconPng().equals(fs.readFileSync(path.join(SOURCE_DIR, 'outline.png')))).to.equal(true);
    });

    it('the colour icon is UMass maroon around a white glyph', () => {
      const { data, width } = PNG.sync.read(fs.readFileSync(path.join(SOURCE_DIR, 'color.png')));
      const at = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
      expect(at(2, 2)).to.deep.equal([0x88, 0x1c, 0x1c, 255]);
      expect(at(60, 96)).to.deep.equal([255, 255, 255, 255]);
    });
  });
});
