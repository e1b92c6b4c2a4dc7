import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../bot/config';
import { projectRoot } from '../../knowledge/projectRoot';

/** The README is what operators read: every setting the bot accepts must be in its table. */
describe('README', () => {
  const readme = fs.readFileSync(path.join(projectRoot(), 'README.md'), 'utf8');

  it('documents every environment variable of the configuration schema in its table', () => {
    const documented = new Set([...readme.matchAll(/^\| `([A-Za-z_][A-Za-z0-9_]*)` \|/gm)].map((m) => m[1]));
    const missing = Object.keys(configSchema.shape).filter((name) => !documented.has(name));
    expect(missing, 'add a row to the Configuration table of README.md').to.deep.equal([]);
  });

  it('links only to documentation files that exist', () => {
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]);
    expect(links.length).to.be.greaterThan(0);
    for (const link of links) expect(fs.existsSync(path.join(projectRoot(), link)), link).to.equal(true);
  });
});
