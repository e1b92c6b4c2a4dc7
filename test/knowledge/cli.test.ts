import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTENT_IDS } from '../../knowledge/intents';
import { copyOfEntries, editFile, emptyTempDir, knowledge, removeDir } from './helpers';

/** The compiled CLIs next to this compiled test (dist/ or dist-<name>/). */
const CLI_DIR = path.join(__dirname, '..', '..', 'knowledge', 'cli');

function run(script: string, args: string[] = [], input = '') {
  const result = spawnSync(process.execPath, [path.join(CLI_DIR, script), ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('knowledge command-line tools', () => {
  it('classify: one JSON line per input line, in order, and nothing else on stdout', () => {
    const lines = ['hey', 'my upload failed', '', 'I want to kill myself', 'where is the library', 'pasword reset\r', 'ünïcödé 🙂'];
    const { status, stdout, stderr } = run('classify.js', [], `${lines.join('\n')}\n`);
    expect(status, stderr).to.equal(0);
    const out = stdout.split('\n');
    expect(out.pop()).to.equal('');
    expect(out).to.have.length(lines.length);
    const parsed = out.map((l) => JSON.parse(l) as { intent: string; score: number });
    parsed.forEach((p, i) => {
      expect(Object.keys(p)).to.deep.equal(['intent', 'score']);
      expect(INTENT_IDS).to.include(p.intent);
      expect(p.score).to.be.within(0, 1);
      const expected = knowledge().match(lines[i].replace(/\r$/, ''));
      expect(p).to.deep.equal({ intent: expected.intent, score: expected.score });
    });
    expect(parsed.map((p) => p.intent).slice(0, 5)).to.deep.equal(['smalltalk', 'upload-problem', 'none', 'emergency', 'none']);
  });

  it('classify: handles input without a final newline and empty input', () => {
    expect(run('classify.js', [], 'help me').stdout.trim().split('\n')).to.have.length(1);
    const empty = run('classify.js', [], '');
    expect(empty.status).to.equal(0);
    expect(empty.stdout).to.equal('');
  });

  it('eval:crisis: prints recall and false emergencies for the tuned part, the held-out part and the dev set', () => {
    const { status, stdout, stderr } = run('evalCrisis.js');
    expect(status, stderr).to.equal(0);
    expect(stdout).to.match(/^tuned +\d+\/\d+ +100\.0% +0 of \d+$/m);
    expect(stdout).to.match(/^held-out +\d+\/\d+ +100\.0% +0 of \d+$/m);
    expect(stdout).to.match(/^dev\.tsv +4\/4 +100\.0% +0 of 105$/m);
  });

  it('check: reports OK with the number of entries and files', () => {
    const { status, stdout } = run('check.js');
    expect(status).to.equal(0);
    expect(stdout).to.equal('Knowledge OK: 23 entries from 23 files, 7 out-of-scope topics from 7 files\n');
  });

  it('check: exits 1 naming the file, entry and field of a broken file', () => {
    const dir = copyOfEntries();
    try {
      editFile(dir, 'upload-problem.yaml', (t) => t.replace(/^answer: \|\n( {2}.*\n|\n)*/m, ''));
      const { status, stdout, stderr } = run('check.js', [dir]);
      expect(status).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.include('upload-problem.yaml: entry "upload-problem": field "answer": Required');
    } finally {
      removeDir(dir);
    }
  });

  it('eval: prints top-1 accuracy, per-intent precision and recall, and the misses', () => {
    const dir = emptyTempDir();
    try {
      const file = path.join(dir, 'tiny.tsv');
      fs.writeFileSync(file, 'upload-problem\tmy pdf will not upload\nnone\twhere is the library\nsti-testing\thow do I reset my password\n');
      const { status, stdout } = run('eval.js', [file]);
      expect(status).to.equal(0);
      expect(stdout).to.include('Top-1 accuracy: 66.7% (2/3)');
      expect(stdout).to.match(/upload-problem\s+1\s+100\.0%\s+100\.0%/);
      expect(stdout).to.match(/sti-testing\s+1\s+100\.0%\s+0\.0%/);
      expect(stdout).to.include('line 3: expected sti-testing, got password-reset-problem');
      expect(stdout).to.include('Confusion pairs (expected -> got: lines):\n  sti-testing -> password-reset-problem: 1');
    } finally {
      removeDir(dir);
    }
  });

  it('eval: reads a third column (the line\'s source) and counts repeated confusions once per pair', () => {
    const dir = emptyTempDir();
    try {
      const file = path.join(dir, 'sourced.tsv');
      fs.writeFileSync(
        file,
        [
          '# a comment',
          'upload-problem\tmy pdf will not upload\thttps://example.edu/faq',
          'sti-testing\thow do I reset my password\thttps://example.edu/a',
          'sti-testing\treset my password please\thttps://example.edu/b',
        ].join('\n'),
      );
      const { status, stdout } = run('eval.js', [file]);
      expect(status).to.equal(0);
      expect(stdout).to.include('Top-1 accuracy: 33.3% (1/3)');
      expect(stdout).to.include('  sti-testing -> password-reset-problem: 2');
      expect(stdout).to.not.include('example.edu');
    } finally {
      removeDir(dir);
    }
  });
});
