import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCrisisSet, readCrisisSet, scoreCrisis } from '../../knowledge/crisisSet';
import { readLabelled } from '../../knowledge/evaluate';
import { EMERGENCY_INTENT } from '../../knowledge/intents';
import { createKnowledgeBase } from '../../knowledge/knowledgeBase';
import { projectRoot } from '../../knowledge/projectRoot';
import { emptyTempDir, knowledge, removeDir } from './helpers';

/**
 * The crisis-language set (`fixtures/crisis.tsv`, sources in `fixtures/crisis-sources.md`):
 * every crisis line comes out `emergency` through `match` and `isEmergency`, and no line that
 * merely shares their words does, in the tuned part and in the held-out part alike.
 */
describe('crisis-language set', () => {
  const lines = readCrisisSet(defaultCrisisSet());
  const crises = lines.filter((l) => l.expected === 'crisis');
  const safe = lines.filter((l) => l.expected === 'safe');

  it('has at least 150 crisis lines, at least as many non-crisis lines, in English and Spanish', () => {
    expect(crises.length).to.be.at.least(150);
    expect(safe.length).to.be.at.least(crises.length);
    expect(crises.filter((l) => l.source.startsWith('es-')).length).to.be.at.least(40);
    expect(safe.filter((l) => /[ñáéíóú¿]|\b(?:quiero|mi|no)\b/.test(l.text)).length).to.be.at.least(30);
  });

  it('names a listed source for every line', () => {
    const sources = fs.readFileSync(path.join(path.dirname(defaultCrisisSet()), 'crisis-sources.md'), 'utf8');
    const listed = new Set([...sources.matchAll(/^\| ([a-z0-9-]+) \| https?:\/\//gm)].map((m) => m[1]));
    const unlisted = lines.filter((l) => l.source !== 'spec' && l.source !== 'team' && !listed.has(l.source));
    expect(unlisted.map((l) => `${l.line}: ${l.source}`)).to.deep.equal([]);
  });

  for (const line of crises) {
    it(`${line.part} line ${line.line}: "${line.text}" is an emergency`, () => {
      const result = knowledge().match(line.text);
      expect(result.kind, line.text).to.equal('emergency');
      expect(result.intent).to.equal(EMERGENCY_INTENT);
      expect(knowledge().isEmergency(line.text), line.text).to.equal(true);
    });
  }

  for (const line of safe) {
    it(`${line.part} line ${line.line}: "${line.text}" is not an emergency`, () => {
      expect(knowledge().match(line.text).kind, line.text).to.not.equal('emergency');
      expect(knowledge().isEmergency(line.text), line.text).to.equal(false);
    });
  }

  it('the dev set (copied from ../shared/eval/dev.tsv): every emergency recognised, no false emergency', () => {
    const dev = readLabelled(path.join(projectRoot(), 'test', 'fixtures', 'dev.tsv'));
    const score = scoreCrisis(
      dev.map((l) => ({ expected: l.intent === EMERGENCY_INTENT ? 'crisis' : 'safe', part: 'heldout', source: 'dev', text: l.text, line: l.line })),
      (text) => knowledge().isEmergency(text),
    );
    expect(score.crises).to.be.at.least(4);
    expect(score.missed.map((l) => l.text)).to.deep.equal([]);
    expect(score.falseAlarms.map((l) => l.text)).to.deep.equal([]);
  });

  it('a crisis line comes out emergency even beside a message the matcher is sure of', () => {
    const kb = knowledge();
    const faq = 'how do I reset my password for the patient portal';
    expect(kb.match(faq).kind).to.equal('match');
    for (const line of crises) {
      for (const text of [`${faq}. ${line.text}`, `${line.text}. ${faq}`, `${faq} ${line.text}`]) {
        const result = kb.match(text);
        expect(result.kind, text).to.equal('emergency');
        expect(result.score).to.equal(1);
        expect(result.ranked[0]).to.deep.equal({ id: EMERGENCY_INTENT, score: 1 });
      }
    }
  });

  it('the matcher cannot outrank it: with every crisis line pasted into an FAQ entry as an example, they still come out emergency', () => {
    const entries = [...knowledge().entries.values()].map((e) =>
      e.id === 'password-reset-problem' ? { ...e, examples: [...e.examples, ...crises.map((l) => l.text)] } : e,
    );
    const kb = createKnowledgeBase(entries);
    for (const line of crises) {
      expect(kb.match(line.text).kind, line.text).to.equal('emergency');
      expect(kb.isEmergency(line.text), line.text).to.equal(true);
    }
  });

  it('readCrisisSet names the line of a malformed row', () => {
    const dir = emptyTempDir();
    try {
      const file = path.join(dir, 'bad.tsv');
      fs.writeFileSync(file, '# comment\ncrisis\ttune\tspec\tI want to die\nmaybe\ttune\tspec\tsomething\n');
      expect(() => readCrisisSet(file)).to.throw(/bad\.tsv:3: expected/);
      fs.writeFileSync(file, 'crisis\theldout\tspec\n');
      expect(() => readCrisisSet(file)).to.throw(/bad\.tsv:1: expected/);
    } finally {
      removeDir(dir);
    }
  });

  it('scoreCrisis counts recall and false alarms per group', () => {
    const score = scoreCrisis(
      [
        { expected: 'crisis', part: 'tune', source: 's', text: 'a', line: 1 },
        { expected: 'crisis', part: 'tune', source: 's', text: 'b', line: 2 },
        { expected: 'safe', part: 'tune', source: 's', text: 'a', line: 3 },
        { expected: 'safe', part: 'tune', source: 's', text: 'c', line: 4 },
      ],
      (text) => text === 'a',
    );
    expect(score.crises).to.equal(2);
    expect(score.caught).to.equal(1);
    expect(score.recall).to.equal(0.5);
    expect(score.missed.map((l) => l.line)).to.deep.equal([2]);
    expect(score.safe).to.equal(2);
    expect(score.falseAlarms.map((l) => l.line)).to.deep.equal([3]);
  });
});
