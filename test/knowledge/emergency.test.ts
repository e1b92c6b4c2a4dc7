import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { createEmergencyDetector, detectEmergency } from '../../knowledge/emergency';
import { createKnowledgeBase } from '../../knowledge/knowledgeBase';
import { projectRoot } from '../../knowledge/projectRoot';
import { knowledge } from './helpers';

describe('emergency detection', () => {
  const crises = [
    "I'm having a medical emergency",
    'EMERGENCY',
    'i want to kill myself',
    'I want to die',
    'wanna die',
    "i don't want to live anymore",
    'thinking about suicide',
    'i feel sucidal', // typo
    'SUICIDAL',
    'I want to hurt myself',
    "I've been cutting myself",
    "can't breathe",
    'i cant breath', // typo, no apostrophe
    'my roommate is not breathing',
    'having trouble breathing',
    'my friend overdosed',
    'i think i took too many pills',
    'having chest pains',
    'I think I am having a heart attack',
    'he is bleeding a lot',
    "the bleeding won't stop",
    'my friend is unconscious',
    'someone passed out and wont wake up',
    'she is having a seizure',
    "i'm having an allergic reaction",
    'my throat is closing',
    'anaphylaxis',
    'I think I am dying',
    'I was sexually assaulted',
    'having a panic attack',
  ];
  const notCrises = [
    'allergy appointment',
    'how do I schedule allergy shots',
    "I'm dying to know my password",
    'emergency contact info',
    'how do I update my emergency contact',
    'a non-emergency question about my records',
    'my phone battery is dying',
    'where are my blood test results',
    'the portal is not responding',
    'I need to attach a file',
    'my upload keeps failing, this is killing me',
    'the page just spins',
    'how do I get tested for STIs',
    'breathe easy, just a question about passwords',
  ];

  for (const text of crises) {
    it(`recognises "${text}"`, () => {
      expect(detectEmergency(text), text).to.not.equal(null);
    });
  }

  for (const text of notCrises) {
    it(`does not raise an alarm for "${text}"`, () => {
      expect(detectEmergency(text), text).to.equal(null);
    });
  }

  it('recognises every example of the emergency entry', () => {
    const entry = knowledge().get('emergency');
    expect(entry?.examples.length).to.be.at.least(10);
    for (const example of entry?.examples ?? []) {
      expect(knowledge().match(example).kind, example).to.equal('emergency');
    }
  });

  it("uses the emergency entry's keywords as extra trigger phrases (whole words)", () => {
    const detect = createEmergencyDetector(['Code Blue']);
    expect(detect('we have a code blue here')).to.deep.equal({ rule: 'keyword' });
    expect(detect('my barcode blueprint')).to.equal(null);
    expect(detectEmergency('we have a code blue here')).to.equal(null);
  });

  it('names the rule that fired, never the text', () => {
    expect(detectEmergency('I want to kill myself')).to.deep.equal({ rule: 'suicide' });
    expect(detectEmergency("can't breathe")).to.deep.equal({ rule: 'breathing' });
  });

  it('isEmergency agrees with match on every line of the held-out set, the crises and the near misses', () => {
    const kb = knowledge();
    // A second base on which match is never called: its isEmergency always takes the detector
    // path, never the memo of the last match.
    const detectorOnly = createKnowledgeBase([...kb.entries.values()]);
    const heldout = fs
      .readFileSync(path.join(projectRoot(), 'test', 'knowledge', 'fixtures', 'heldout.tsv'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => line.split('\t')[1]);
    const texts = [...heldout, ...crises, ...notCrises];
    let emergencies = 0;
    for (const text of texts) {
      const expected = kb.match(text).kind === 'emergency';
      if (expected) emergencies += 1;
      expect(detectorOnly.isEmergency(text), text).to.equal(expected);
      expect(kb.isEmergency(text), text).to.equal(expected);
    }
    expect(emergencies).to.be.at.least(crises.length);
    expect(texts.length - emergencies).to.be.at.least(notCrises.length + 100);
  });

  it('runs first and cannot be outranked, even by a message full of FAQ words', () => {
    const kb = knowledge();
    for (const text of [
      "I can't breathe and I can't log in to the patient portal",
      'how do I reset my password, I want to kill myself',
      'upload my covid vaccine card, also I think I am overdosing',
    ]) {
      const result = kb.match(text);
      expect(result.kind, text).to.equal('emergency');
      expect(result.intent).to.equal('emergency');
      expect(result.score).to.equal(1);
      expect(result.ranked[0]).to.deep.equal({ id: 'emergency', score: 1 });
    }
  });
});
