import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTRY_INTENT_IDS } from '../../knowledge/intents';
import { KnowledgeError, loadEntries, loadKnowledge } from '../../knowledge/loader';
import { defaultEntriesDir, projectRoot } from '../../knowledge/projectRoot';
import { copyOfEntries, editFile, emptyTempDir, knowledge, removeDir } from './helpers';

/** Loads `dir` and returns the KnowledgeError it must throw. */
function loadError(dir: string): KnowledgeError {
  try {
    loadEntries(dir);
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error('expected loadEntries to throw a KnowledgeError');
}

describe('knowledge loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyOfEntries();
  });
  afterEach(() => removeDir(dir));

  it('finds the project root (the folder with package.json) and the entries under it', () => {
    expect(fs.existsSync(path.join(projectRoot(), 'package.json'))).to.equal(true);
    expect(defaultEntriesDir()).to.equal(path.join(projectRoot(), 'knowledge', 'entries'));
  });

  it('loads one entry per intent id, each with its source file', () => {
    const kb = knowledge();
    expect([...kb.entries.keys()].sort()).to.deep.equal([...ENTRY_INTENT_IDS].sort());
    for (const entry of kb.entries.values()) {
      expect(entry.source).to.equal(`knowledge/entries/${entry.id}.yaml`);
      expect(entry.examples.length, entry.id).to.be.at.least(10);
      expect(kb.get(entry.id)).to.equal(entry);
    }
    expect(kb.get('none')).to.equal(undefined);
  });

  it('loads a valid copy from another folder', () => {
    const { entries, files } = loadEntries(dir);
    expect(entries).to.have.length(ENTRY_INTENT_IDS.length);
    expect(files).to.have.length(ENTRY_INTENT_IDS.length);
  });

  it('names the file, the entry and the field when a required field is missing', () => {
    editFile(dir, 'upload-problem.yaml', (t) => t.replace(/^answer: \|\n( {2}.*\n|\n)*/m, ''));
    const error = loadError(dir);
    expect(error.message).to.include('upload-problem.yaml: entry "upload-problem": field "answer": Required');
    expect(error.issues).to.have.length(1);
    expect(error.issues[0]).to.include({ entry: 'upload-problem', field: 'answer', message: 'Required' });
    expect(error.issues[0].file).to.match(/upload-problem\.yaml$/);
  });

  it('names the field path inside a list (links[0].url)', () => {
    editFile(dir, 'covid-testing.yaml', (t) => t.replace('url: https://umass.edu/uhs/covid-19-testing', 'url: umass.edu/uhs'));
    expect(loadError(dir).message).to.match(/covid-testing\.yaml: entry "covid-testing": field "links\[0\]\.url": Expected a URL/);
  });

  it('rejects a field of the wrong type', () => {
    editFile(dir, 'sti-testing.yaml', (t) => t.replace(/^examples:\n/m, 'examples: just one line\nunused:\n'));
    const error = loadError(dir);
    expect(error.message).to.include('entry "sti-testing": field "examples": Expected a list of phrasings');
  });

  it('rejects an empty answer and a too long label', () => {
    editFile(dir, 'minor-child-account.yaml', (t) =>
      t.replace(/^answer: \|\n( {2}.*\n)+/m, 'answer: "  "\n').replace(/^label: .*$/m, `label: ${'x'.repeat(41)}`),
    );
    const fields = loadError(dir).issues.map((i) => `${i.field}: ${i.message}`);
    expect(fields).to.include('answer: Must not be empty');
    expect(fields).to.include('label: At most 40 characters (it is a button)');
  });

  it('rejects a misspelt (unknown) field name', () => {
    editFile(dir, 'smalltalk.yaml', (t) => t.replace(/^keywords:/m, 'keywrods:'));
    expect(loadError(dir).message).to.include('smalltalk.yaml: entry "smalltalk": field "keywrods": Unknown field');
  });

  it('rejects an intent id that is not in the evaluation contract', () => {
    editFile(dir, 'covid-testing.yaml', (t) => t.replace('id: covid-testing', 'id: covid-tests'));
    const error = loadError(dir);
    expect(error.message).to.include('covid-testing.yaml: entry "covid-tests": field "id": Unknown intent id "covid-tests"');
  });

  it('rejects a next or ifNotWorking that names no entry, or the entry itself', () => {
    editFile(dir, 'covid-testing.yaml', (t) => `${t}\nnext: covid-tests\n`);
    editFile(dir, 'wrong-clinic.yaml', (t) => `${t}\nifNotWorking: wrong-clinic\n`);
    const error = loadError(dir);
    expect(error.message).to.include('covid-testing.yaml: entry "covid-testing": field "next": Unknown entry id "covid-tests"');
    expect(error.message).to.include('wrong-clinic.yaml: entry "wrong-clinic": field "ifNotWorking": Must name another entry, not this one');
  });

  it('loads next and ifNotWorking where the FAQ names the next step', () => {
    const kb = loadKnowledge(dir);
    expect(kb.get('portal-login-sso')?.ifNotWorking).to.equal('login-spinning');
    expect(kb.get('register-not-active')?.next).to.equal('no-password-email');
    expect(kb.get('minor-child-account')?.next).to.equal(undefined);
  });

  it('rejects a duplicate id and names both files', () => {
    fs.copyFileSync(path.join(dir, 'sti-testing.yaml'), path.join(dir, 'z-copy.yaml'));
    const error = loadError(dir);
    expect(error.issues).to.have.length(1);
    expect(error.message).to.match(/z-copy\.yaml: entry "sti-testing": field "id": Duplicate id: already defined in .*\/sti-testing\.yaml$/);
  });

  it('fails when an intent has no entry', () => {
    fs.rmSync(path.join(dir, 'allergy-appointment.yaml'));
    expect(loadError(dir).message).to.include('entry "allergy-appointment": field "id": Missing: no file defines this intent');
    expect(loadEntries(dir, { requireAll: false }).entries).to.have.length(ENTRY_INTENT_IDS.length - 1);
  });

  it('reports a YAML syntax error with the file, the entry and the line', () => {
    editFile(dir, 'login-spinning.yaml', (t) => t.replace('label: Can\'t log in / page spins', 'label: [unclosed'));
    const error = loadError(dir);
    expect(error.issues[0]).to.include({ entry: 'login-spinning', field: null });
    expect(error.message).to.match(/login-spinning\.yaml: entry "login-spinning": YAML syntax error at line \d+/);
  });

  it('reports a file that is not a mapping of fields', () => {
    fs.writeFileSync(path.join(dir, 'stray.yaml'), '- just\n- a list\n');
    expect(loadError(dir).message).to.include('stray.yaml: entry "stray": Expected a mapping of fields');
  });

  it('lists every problem, one per line, not only the first', () => {
    editFile(dir, 'upload-problem.yaml', (t) => t.replace(/^question: .*\n/m, ''));
    editFile(dir, 'sti-testing.yaml', (t) => t.replace(/^label: .*\n/m, ''));
    const lines = loadError(dir).message.split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include('entry "sti-testing": field "label": Required');
    expect(lines[1]).to.include('entry "upload-problem": field "question": Required');
  });

  it('fails on a missing folder', () => {
    expect(loadError(path.join(dir, 'nope')).message).to.include('Knowledge folder not found');
  });

  describe('parse cache', () => {
    let cacheDir: string;
    beforeEach(() => {
      cacheDir = emptyTempDir();
    });
    afterEach(() => removeDir(cacheDir));

    it('skips the YAML parse when the files are unchanged, with the same result', () => {
      const first = loadEntries(dir, { parseCache: cacheDir });
      const second = loadEntries(dir, { parseCache: cacheDir });
      expect(first.fromCache).to.equal(false);
      expect(second.fromCache).to.equal(true);
      expect(second.entries).to.deep.equal(first.entries);
    });

    it('parses again after any edit, and still validates', () => {
      loadEntries(dir, { parseCache: cacheDir });
      editFile(dir, 'covid-testing.yaml', (t) => t.replace('For information on COVID-19 testing', 'For details on COVID-19 testing'));
      const edited = loadEntries(dir, { parseCache: cacheDir });
      expect(edited.fromCache).to.equal(false);
      expect(edited.entries.find((e) => e.id === 'covid-testing')?.answer).to.include('For details on COVID-19 testing');
      editFile(dir, 'covid-testing.yaml', (t) => t.replace(/^label: .*\n/m, ''));
      expect(loadError(dir).message).to.include('entry "covid-testing": field "label": Required');
      expect(() => loadEntries(dir, { parseCache: cacheDir })).to.throw(KnowledgeError, 'field "label": Required');
    });

    it('ignores a cache file that does not match the files', () => {
      loadEntries(dir, { parseCache: cacheDir });
      const [cacheFile] = fs.readdirSync(cacheDir);
      const cache = JSON.parse(fs.readFileSync(path.join(cacheDir, cacheFile), 'utf8')) as { key: string };
      fs.writeFileSync(path.join(cacheDir, cacheFile), JSON.stringify({ ...cache, key: 'planted' }));
      expect(loadEntries(dir, { parseCache: cacheDir }).fromCache).to.equal(false);
      fs.writeFileSync(path.join(cacheDir, cacheFile), '{not json');
      expect(loadEntries(dir, { parseCache: cacheDir }).fromCache).to.equal(false);
    });

    it('is off for folders other than the default one unless asked for', () => {
      loadEntries(dir);
      expect(loadEntries(dir).fromCache).to.equal(false);
    });
  });

  it('loadKnowledge validates before building the matcher', () => {
    editFile(dir, 'upload-problem.yaml', (t) => t.replace(/^examples:\n( {2}- .*\n)+/m, 'examples: []\n'));
    expect(() => loadKnowledge(dir)).to.throw(KnowledgeError, 'field "examples": At least 3 examples');
  });
});
