import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDevSet, evaluate, findCopies, readLabelled, type LabelledLine } from '../../knowledge/evaluate';
import { projectRoot } from '../../knowledge/projectRoot';
import { fixturePath } from '../support/sharedCopies';
import { knowledge } from './helpers';

/**
 * Accuracy on labelled phrasings: the shared dev set (its copy in `test/fixtures/dev.tsv`) and our own
 * held-out set (`fixtures/heldout.tsv`, written apart from the entries' examples, never copied
 * into them), which includes off-topic traps ("register for classes", "reset my wifi").
 */
function check(lines: readonly LabelledLine[], minAccuracy: number): void {
  const report = evaluate(knowledge(), lines);
  const misses = report.misses.map((m) => `line ${m.line}: ${m.intent} -> ${m.got}: ${m.text}`);
  expect(report.accuracy, misses.join('\n')).to.be.at.least(minAccuracy);
  expect(report.missedEmergencies.map((l) => l.text)).to.deep.equal([]);
  expect(report.falseEmergencies.map((l) => l.text)).to.deep.equal([]);
  // "Did you mean" must stay the exception.
  expect(report.ambiguous / report.total).to.be.below(0.05);
}

const FIXTURES = path.join(projectRoot(), 'test', 'knowledge', 'fixtures');

describe('knowledge accuracy on labelled phrasings', () => {
  const dev = readLabelled(fixturePath('test/fixtures/dev.tsv'));
  const heldout = readLabelled(path.join(FIXTURES, 'heldout.tsv'));
  // Real questions from other schools' portal pages (docs/knowledge.md): tuned on, and held out.
  const outside = readLabelled(path.join(FIXTURES, 'outside.tsv'));
  const outsideHeldout = readLabelled(path.join(FIXTURES, 'outside-heldout.tsv'));
  // A third part from pages neither of the others uses, written before the matcher changes it measures and never tuned on.
  const outsideFresh = readLabelled(path.join(FIXTURES, 'outside-fresh.tsv'));
  // A fourth part, collected and measured before the subject-sharing topics, from pages and sites no other part or the crisis set uses.
  const outsideFresh2 = readLabelled(path.join(FIXTURES, 'outside-fresh2.tsv'));

  it('reads the copy of the shared dev set; npm run eval defaults to the shared original, or the copy without it', () => {
    const shared = path.resolve(projectRoot(), '..', 'shared', 'eval', 'dev.tsv');
    expect(defaultDevSet()).to.equal(fs.existsSync(shared) ? shared : fixturePath('test/fixtures/dev.tsv'));
    expect(dev.length).to.be.at.least(100);
    expect(dev.filter((l) => l.intent === 'emergency').length).to.be.at.least(1);
    expect(dev.filter((l) => l.intent === 'none').length).to.be.at.least(1);
  });

  it('dev set: top-1 >= 95%, every emergency recognised, no false emergency', () => {
    check(dev, 0.95);
  });

  it('dev set: every out-of-scope line is answered none', () => {
    for (const line of dev.filter((l) => l.intent === 'none')) {
      expect(knowledge().match(line.text).intent, line.text).to.equal('none');
    }
  });

  it('held-out set: top-1 >= 95%, every emergency recognised, no false emergency', () => {
    expect(heldout.length).to.be.at.least(150);
    check(heldout, 0.95);
  });

  it('no example or keyword of an entry or out-of-scope topic copies a line of any labelled set', () => {
    const entries = [...knowledge().entries.values(), ...knowledge().outOfScope.values()];
    for (const set of [dev, heldout, outside, outsideHeldout, outsideFresh, outsideFresh2]) expect(findCopies(entries, set)).to.deep.equal([]);
  });

  it('outside sets: at least 200 lines from at least 30 sites, each line with its source address', () => {
    const all = [...outside, ...outsideHeldout];
    expect(all.length).to.be.at.least(200);
    for (const line of all) expect(line.source, line.text).to.match(/^https?:\/\//);
    const sites = new Set(all.map((l) => new URL(l.source ?? '').hostname.replace(/^www\./, '')));
    expect(sites.size).to.be.at.least(30);
    // Split by source: no site has lines in both parts.
    const tuned = new Set(outside.map((l) => new URL(l.source ?? '').hostname));
    for (const line of outsideHeldout) expect(tuned.has(new URL(line.source ?? '').hostname), line.source).to.equal(false);
  });

  it('outside set, fresh part: at least 40 lines from at least 20 sites that neither other part uses', () => {
    expect(outsideFresh.length).to.be.at.least(40);
    for (const line of outsideFresh) expect(line.source, line.text).to.match(/^https?:\/\//);
    const host = (l: LabelledLine) => new URL(l.source ?? '').hostname.replace(/^www\./, '');
    expect(new Set(outsideFresh.map(host)).size).to.be.at.least(20);
    const used = new Set([...outside, ...outsideHeldout].map(host));
    for (const line of outsideFresh) expect(used.has(host(line)), line.source).to.equal(false);
    expect(outsideFresh.filter((l) => l.intent === 'none').length).to.be.at.least(8);
  });

  it('outside set, second fresh part: at least 50 lines from at least 25 sites that no other part uses', () => {
    expect(outsideFresh2.length).to.be.at.least(50);
    for (const line of outsideFresh2) expect(line.source, line.text).to.match(/^https?:\/\//);
    const host = (l: LabelledLine) => new URL(l.source ?? '').hostname.replace(/^www\./, '');
    expect(new Set(outsideFresh2.map(host)).size).to.be.at.least(25);
    const used = new Set([...outside, ...outsideHeldout, ...outsideFresh].map(host));
    for (const line of outsideFresh2) expect(used.has(host(line)), line.source).to.equal(false);
    expect(outsideFresh2.filter((l) => l.intent === 'none').length).to.be.at.least(15);
  });

  // Floors at the measured accuracy (docs/knowledge.md), so a change that loses ground fails.
  for (const [name, lines, floor] of [
    ['outside set, tuning part', outside, 0.9],
    ['outside set, held-out part', outsideHeldout, 0.77],
    ['outside set, fresh part', outsideFresh, 0.81],
    ['outside set, second fresh part', outsideFresh2, 0.69],
  ] as const) {
    it(`${name}: top-1 >= ${floor * 100}%, every crisis line caught, no false emergency`, () => {
      const report = evaluate(knowledge(), lines);
      expect(report.accuracy, report.misses.map((m) => `${m.intent} -> ${m.got}: ${m.text}`).join('\n')).to.be.at.least(floor);
      expect(report.missedEmergencies.map((l) => l.text)).to.deep.equal([]);
      expect(report.falseEmergencies.map((l) => l.text)).to.deep.equal([]);
    });
  }
});
