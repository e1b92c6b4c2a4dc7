import { expect } from 'chai';
import fc from 'fast-check';
import { INTENT_IDS } from '../../knowledge/intents';
import { createKnowledgeBase } from '../../knowledge/knowledgeBase';
import { isLikelyNotNoun } from '../../knowledge/partOfSpeech';
import { editDistance, SpellingCorrector } from '../../knowledge/spelling';
import { dropFillers, stem, words } from '../../knowledge/text';
import type { MatchResult } from '../../knowledge/types';
import { knowledge } from './helpers';

function intentOf(text: string): string {
  return knowledge().match(text).intent;
}

/** The invariants every result must hold, whatever the input. */
function expectWellFormed(result: MatchResult): void {
  expect(result.score).to.be.within(0, 1);
  expect(INTENT_IDS).to.include(result.intent);
  for (const r of result.ranked) expect(r.score).to.be.within(0, 1);
  for (let i = 1; i < result.ranked.length; i++) expect(result.ranked[i - 1].score).to.be.at.least(result.ranked[i].score);
  if (result.kind === 'match' || result.kind === 'ambiguous') expect(result.intent).to.equal(result.ranked[0].id);
  if (result.kind === 'ambiguous') {
    expect(result.candidates.length).to.be.at.least(2);
    expect(result.candidates[0].id).to.equal(result.intent);
  }
}

describe('knowledge matcher', () => {
  describe('text analysis', () => {
    it('normalises case, accents, curly quotes and contractions', () => {
      expect(words('Can’t LOG-IN, résumé!!')).to.deep.equal(['can', 'not', 'log', 'in', 'resume']);
      expect(words("cant dont im")).to.deep.equal(['can', 'not', 'do', 'not', 'i', 'am']);
      expect(words('covid19 ')).to.deep.equal(['covid', '19']);
    });

    it('stems lightly and consistently', () => {
      expect(stem('uploading')).to.equal(stem('uploads'));
      expect(stem('registered')).to.equal('register');
      expect(stem('logging')).to.equal('log');
    });

    it('computes Damerau-Levenshtein distance with swaps as one edit', () => {
      expect(editDistance('uplaod', 'upload')).to.equal(1);
      expect(editDistance('pasword', 'password')).to.equal(1);
      expect(editDistance('kitten', 'sitting')).to.equal(3);
      expect(editDistance('abc', 'abcdef', 1)).to.equal(2);
    });

    it('corrects a misspelt word to the closest known word, and leaves unknown words alone', () => {
      const speller = new SpellingCorrector(['password', 'upload', 'immunization', 'name', 'cant']);
      expect(speller.correct('pasword')).to.equal('password');
      expect(speller.correct('uplaod')).to.equal('upload');
      expect(speller.correct('immunizaton')).to.equal('immunization');
      expect(speller.correct('cnat')).to.equal('cant');
      expect(speller.correct('game')).to.equal(null); // a short real word, not a typo of "name"
      expect(speller.correct('library')).to.equal(null);
    });
  });

  describe('openers, closers and portal words', () => {
    it('drops openers and closers at the edges only, and never leaves a message empty', () => {
      expect(dropFillers(words('Alright, last question: can I print my record? Thanks!'))).to.deep.equal(['can', 'i', 'print', 'my', 'record']);
      expect(dropFillers(words('hi there, what should I do'))).to.deep.equal(words('hi there, what should I do'));
      expect(dropFillers(words('hey there'))).to.deep.equal(['hey', 'there']);
      expect(dropFillers(words('help'))).to.deep.equal(['help']);
      expect(dropFillers(words('that did not help'))).to.deep.equal(['that', 'did', 'not', 'help']);
    });

    it('matches a question wrapped in small talk like the bare question', () => {
      for (const [bare, wrapped] of [
        ['can I print my immunization record', 'Okay so, quick question. Can I print my immunization record? Thanks so much'],
        ['my pdf will not upload', 'hello, my pdf will not upload, what do I do'],
      ]) {
        expect(intentOf(wrapped), wrapped).to.equal(intentOf(bare));
      }
    });

    it('knows portal words other schools use', () => {
      expect(intentOf('how do I activate my patient portal account')).to.equal('register-not-active');
      expect(intentOf('how do I log in with Duo')).to.equal('portal-login-sso');
      expect(intentOf('I have forgotten my portal password')).to.equal('password-reset-problem');
      expect(intentOf('my file is 9 MB and will not go up')).to.equal('upload-problem');
      // FAQ 3: "already registered" means an account exists, not a registration problem.
      expect(intentOf('the site says my email is already registered')).to.equal('username-taken');
      expect(intentOf('it says an account already exists for me')).to.equal('username-taken');
      // …but an account already had, or a registration already made, is context for another problem.
      expect(intentOf('I already have an account but I cannot log in')).to.equal('login-spinning');
      expect(intentOf('I already registered but never got the email')).to.equal('no-password-email');
    });

    it('an unknown verb, adjective or adverb costs less than an unknown noun', () => {
      for (const w of ['bigger', 'attempting', 'frequently']) expect(isLikelyNotNoun(w), w).to.equal(true);
      // Nouns, and words the English lexicon lacks, name what a message is about.
      for (const w of ['homework', 'transcript', 'wifi']) expect(isLikelyNotNoun(w), w).to.equal(false);
      const score = (text: string) => knowledge().match(text).score;
      expect(score('my scan will not upload, frequently')).to.be.above(score('my scan will not upload, homework'));
      expect(score('my scan will not upload, bigger')).to.be.above(score('my scan will not upload, transcript'));
    });

    it('matches the live FAQ page\'s newer answers', () => {
      expect(intentOf('how do I switch clinics in the portal')).to.equal('wrong-clinic');
      expect(intentOf('how long can my secure message to my provider be')).to.equal('secure-messages');
      expect(intentOf('how do I write to the Student Immunization Program')).to.equal('immunization-program-message');
    });
  });

  describe('out of scope', () => {
    it('answers none naming the topic for questions the FAQ does not answer', () => {
      for (const [text, topic] of [
        ['I have a question about a charge from the health center', 'billing'],
        ['can I waive the student health insurance plan', 'insurance'],
        ['I need to cancel my doctor appointment on friday', 'appointments'],
        ['are my blood test results in yet', 'test-results'],
        ['is there a deadline for the meningitis vaccine requirement', 'immunization-compliance'],
        ['where should I park when I visit UHS', 'parking'],
      ]) {
        const result = knowledge().match(text);
        expect(result.kind, text).to.equal('none');
        expect(result.kind === 'none' ? result.topic : undefined, text).to.equal(topic);
        expectWellFormed(result);
      }
    });

    it('a word only a topic uses outweighs the domain word it comes with', () => {
      const result = knowledge().match('do I need an exemption for the covid vaccine requirement');
      expect(result.kind === 'none' ? result.topic : result.intent).to.equal('immunization-compliance');
    });

    it('a topic shares its subject with the entries, so what is asked about it decides', () => {
      const topicOf = (text: string) => {
        const result = knowledge().match(text);
        return result.kind === 'none' ? result.topic : result.intent;
      };
      // Requirements, deadlines and confidentiality of the things the FAQ helps to enter, upload and print.
      expect(topicOf('is there a deadline for the covid vaccine requirement')).to.equal('immunization-compliance');
      expect(topicOf('what vaccines are required before the fall semester')).to.equal('immunization-compliance');
      expect(topicOf('is my sti test kept confidential')).to.equal('privacy');
      // The same subject with a portal task stays with the FAQ, "required" in a name included.
      expect(topicOf('how do I enter my required immunizations')).to.equal('immunization-entry');
      expect(topicOf('my required immunizations form won\'t upload')).to.equal('upload-problem');
      expect(topicOf('how do I upload my covid vaccine card')).to.equal('covid-vaccine-record');
      expect(topicOf('where do I print my immunization record')).to.equal('immunization-records-copy');
    });

    it('never names a topic in the ranked candidates, and keeps in-scope questions in scope', () => {
      expect(intentOf('How do I upload my vaccine record')).to.equal('upload-problem');
      expect(intentOf('I can\'t upload my immunization form')).to.equal('upload-problem');
      const result = knowledge().match('how much does a visit cost');
      for (const r of result.ranked) expect(knowledge().outOfScope.has(r.id)).to.equal(false);
    });

    it('every topic has a where-to-go answer and at least one source', () => {
      expect([...knowledge().outOfScope.keys()].sort()).to.deep.equal(
        ['appointments', 'billing', 'immunization-compliance', 'insurance', 'parking', 'privacy', 'test-results'],
      );
      for (const topic of knowledge().outOfScope.values()) {
        expect(topic.answer, topic.id).to.include('I can');
        expect(topic.sources.length, topic.id).to.be.at.least(1);
      }
    });
  });

  describe('two questions in one message', () => {
    it('answers the clearest part and names the other part as `also`', () => {
      const result = knowledge().match('How do I reset my password? Also, how do I get a copy of my medical records?');
      expect(result.kind).to.equal('match');
      if (result.kind !== 'match') return;
      expect([result.intent, result.also].sort()).to.deep.equal(['medical-records-copy', 'password-reset-problem']);
    });

    it('finds the question after a sentence of context', () => {
      expect(intentOf('I registered for the portal last week. I never got the email to make a password.')).to.equal('no-password-email');
    });

    it('names the second question of "… and also …" and "… and how …", typos and all, even when the whole is a confident match', () => {
      const pairs: [string, string[]][] = [
        ['how do i get a copy of my imunization records and also my medical recods', ['immunization-records-copy', 'medical-records-copy']],
        ['whats the website for the patient portal and how do i get my medical records', ['medical-records-copy', 'portal-login-sso']],
      ];
      for (const [text, intents] of pairs) {
        const result = knowledge().match(text);
        expect(result.kind, text).to.equal('match');
        if (result.kind !== 'match') continue;
        expect([result.intent, result.also].sort(), text).to.deep.equal(intents);
      }
    });

    it('leaves "and" inside one question alone', () => {
      for (const text of ['i forgot my username and password', 'how do i get my records']) {
        const result = knowledge().match(text);
        expect(result.kind === 'match' ? result.also : undefined, text).to.equal(undefined);
      }
    });

    it('does not split a confident single question', () => {
      const result = knowledge().match('I forgot my password');
      expect(result.kind === 'match' ? result.also : 'not a match').to.equal(undefined);
    });
  });

  describe('matching', () => {
    it('matches each FAQ question to its own entry', () => {
      for (const entry of knowledge().entries.values()) {
        if (entry.id === 'emergency') continue;
        expect(intentOf(entry.question), entry.question).to.equal(entry.id);
      }
    });

    it("matches each entry's own examples to the entry", () => {
      const wrong: string[] = [];
      for (const entry of knowledge().entries.values()) {
        for (const example of entry.examples) {
          const got = intentOf(example);
          if (got !== entry.id) wrong.push(`${entry.id} <- "${example}" got ${got}`);
        }
      }
      expect(wrong).to.deep.equal([]);
    });

    it('tolerates typos and slang', () => {
      const cases: Array<[string, string]> = [
        ['pasword reset not workng', 'password-reset-problem'],
        ['cant uplaod my documnet', 'upload-problem'],
        ['immunizaton info wont save', 'immunization-entry'],
        ['alergy shot apointment', 'allergy-appointment'],
        ['my adress is wrong', 'personal-info-update'],
        ['medcial records', 'medical-records-copy'],
        ['covid vacine card', 'covid-vaccine-record'],
        ['i cnat log in', 'login-spinning'],
        ['the portal keeps spining', 'login-spinning'],
        ['regestration says not active', 'register-not-active'],
        ['forgot my pw', 'password-reset-problem'],
        ['std test', 'sti-testing'],
        ['thx', 'smalltalk'],
        ['can i talk to a real person', 'human-handoff'],
      ];
      for (const [text, intent] of cases) expect(intentOf(text), text).to.equal(intent);
    });

    it('answers none for messages that are not about the portal', () => {
      for (const text of [
        'what time does the dining hall open',
        'how do I pay my tuition',
        'who won the game last night',
        'register for classes',
        'where is the gym',
        'what is the capital of france',
        'what is 2 plus 2',
        'how do i join a club',
        '',
        '   ',
        '???',
        '🙂',
      ]) {
        const result = knowledge().match(text);
        expect(result.kind, text).to.equal('none');
        expect(result.intent).to.equal('none');
      }
    });

    it('asks "did you mean" when the top intents are close', () => {
      const result = knowledge().match('records');
      expect(result.kind).to.equal('ambiguous');
      if (result.kind !== 'ambiguous') return;
      expect(result.candidates.map((c) => c.id)).to.include.members(['medical-records-copy', 'immunization-records-copy']);
      expect(knowledge().match('vaccine').kind).to.equal('ambiguous');
      // A clear message is not ambiguous.
      expect(knowledge().match('how do I get a copy of my medical records').kind).to.equal('match');
    });

    it('honours the thresholds it is built with', () => {
      const entries = [...knowledge().entries.values()];
      const never = createKnowledgeBase(entries, { matcher: { ambiguityRatio: 2, oneWordAmbiguityRatio: 2 } });
      expect(never.match('records').kind).to.equal('match');
      const strict = createKnowledgeBase(entries, { matcher: { threshold: 1.01 } });
      expect(strict.match('how do I get a copy of my medical records').kind).to.equal('none');
    });

    it('sends follow-up suggestions to an entry (never to none)', () => {
      for (const entry of knowledge().entries.values()) {
        for (const followUp of entry.followUps) {
          const result = knowledge().match(followUp);
          expect(['match', 'ambiguous'], `${entry.id}: "${followUp}" got ${result.intent}`).to.include(result.kind);
        }
      }
    });

    it('is deterministic', () => {
      const text = 'my document wont upload';
      expect(knowledge().match(text)).to.deep.equal(knowledge().match(text));
    });

    it('returns well-formed results with scores in [0, 1] for any text', () => {
      for (const text of ['constructor', '__proto__ toString', 'a'.repeat(5000), 'upload '.repeat(300), '\u0000\uFFFF', 'hasOwnProperty']) {
        expectWellFormed(knowledge().match(text));
      }
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), (text) => {
          expectWellFormed(knowledge().match(text));
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.array(fc.constantFrom('upload', 'password', 'not', 'my', 'portal', 'covid', 'how', 'records', 'xyzzy', 'help'), { maxLength: 12 }), (ws) => {
          expectWellFormed(knowledge().match(ws.join(' ')));
        }),
        { numRuns: 300 },
      );
    });
  });
});
