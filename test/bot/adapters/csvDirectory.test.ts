import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CsvPortalDirectory, defaultDirectoryFile, DIRECTORY_CSV_HEADER, DirectoryFileError, parseDirectoryCsv } from '../../../bot/adapters/csvDirectory';

const ROWS = [
  DIRECTORY_CSV_HEADER,
  'minnie.minuteman@umass.edu,04/15/2003,mminuteman,umass',
  'sam.minuteman@umass.edu,09/01/2004,,umass',
  'hampshire.tester@example.org,07/04/2002,htester,hampshire',
];

/** Polls `condition` until it holds; fails after a generous bound (not a timing assumption). */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A pino logger writing JSON lines into an array. */
function captureLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

/** Replaces `file` the way many editors do: write a temporary file, then rename it over. */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

describe('CsvPortalDirectory', () => {
  let dir: string;
  let file: string;
  const open: CsvPortalDirectory[] = [];

  function openDirectory(log?: pino.Logger): CsvPortalDirectory {
    const directory = new CsvPortalDirectory(file, { log, pollIntervalMs: 25 });
    open.push(directory);
    return directory;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhs-directory-'));
    file = path.join(dir, 'directory.csv');
    fs.writeFileSync(file, `${ROWS.join('\n')}\n`);
  });

  afterEach(() => {
    open.splice(0).forEach((d) => d.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('loading', () => {
    it('loads every row; an empty portal_username means no account yet', async () => {
      const directory = openDirectory();
      expect(directory.size).to.equal(3);
      expect(await directory.findByEmail('sam.minuteman@umass.edu')).to.deep.equal({
        status: 'found',
        record: { email: 'sam.minuteman@umass.edu', dob: '09/01/2004', portalUsername: null, affiliation: 'umass' },
      });
    });

    it('fails with the file name and the line number of a bad row', () => {
      fs.writeFileSync(file, [...ROWS, 'pat.example@example.org,13/45/1990,,other', 'ok@example.org,01/01/1990,,other'].join('\n'));
      expect(() => openDirectory()).to.throw(DirectoryFileError, `${file}:5: dob: must be a real, past date written MM/DD/YYYY`);
    });

    it('names the line for each kind of bad row, without repeating the cell values', () => {
      const cases: Array<[string, RegExp]> = [
        ['not-an-email,01/01/1990,,other', /:2: email: not a valid email address$/],
        ['jdoe@example.org,1/1/1990,,other', /:2: dob: must be/],
        ['jdoe@example.org,02/30/1990,,other', /:2: dob: must be/],
        ['jdoe@example.org,01/01/1990,,student', /:2: affiliation: must be umass, hampshire or other$/],
        ['jdoe@example.org,01/01/1990,other', /:2: expected 4 cells .* found 3$/],
        ['jdoe@example.org,01/01/1990,"unterminated,other', /:2: unterminated quoted cell$/],
      ];
      for (const [row, expected] of cases) {
        const error = catchError(() => parseDirectoryCsv(`${DIRECTORY_CSV_HEADER}\n${row}\n`, 'people.csv'));
        expect(error, row).to.be.instanceOf(DirectoryFileError);
        expect(error.message, row).to.match(expected);
        expect((error as DirectoryFileError).line, row).to.equal(2);
        expect(error.message, row).not.to.contain('jdoe@example.org');
        expect(error.message, row).not.to.contain('1990');
      }
    });

    it('rejects a wrong header (line 1) and a duplicate email (naming both lines)', () => {
      expect(() => parseDirectoryCsv('email,dob,username,affiliation\n', 'people.csv')).to.throw(/people\.csv:1: the header must be exactly "email,dob,portal_username,affiliation"/);
      const duplicate = [...ROWS, ' Minnie.Minuteman@UMass.edu ,04/15/2003,,umass'].join('\n');
      expect(() => parseDirectoryCsv(duplicate, 'people.csv')).to.throw(/people\.csv:5: duplicate email \(already on line 2\)/);
    });

    it('accepts CRLF line ends, a byte-order mark, blank lines and quoted cells', async () => {
      const text = `\uFEFF${DIRECTORY_CSV_HEADER}\r\n"quoted@example.org","01/02/1990","user, with comma",other\r\n\r\n`;
      expect(parseDirectoryCsv(text, 'people.csv')).to.deep.equal([
        { email: 'quoted@example.org', dob: '01/02/1990', portalUsername: 'user, with comma', affiliation: 'other' },
      ]);
    });

    it('reports a missing file as a DirectoryFileError', () => {
      fs.rmSync(file);
      expect(() => openDirectory()).to.throw(DirectoryFileError, /cannot read the directory file \(ENOENT\)/);
    });

    it('ships a valid sample of obviously fictional people, found from the project root', () => {
      const sample = defaultDirectoryFile();
      const records = parseDirectoryCsv(fs.readFileSync(sample, 'utf8'), sample);
      expect(records.length).to.be.at.least(4);
      expect(records.some((r) => r.portalUsername === null)).to.equal(true);
      expect(records.some((r) => r.portalUsername !== null)).to.equal(true);
      expect(new Set(records.map((r) => r.affiliation))).to.deep.equal(new Set(['umass', 'hampshire', 'other']));
      for (const r of records) expect(r.email).to.match(/^(minnie\.minuteman|sam\.minuteman|test\.student)@umass\.edu$|@example\.org$/);
    });
  });

  describe('lookups', () => {
    it('finds by email (trimmed, case-insensitive) and date of birth', async () => {
      const directory = openDirectory();
      const found = await directory.lookup('  MINNIE.Minuteman@umass.EDU ', '04/15/2003');
      expect(found).to.deep.equal({
        status: 'found',
        record: { email: 'minnie.minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' },
      });
    });

    it('answers not-found for a wrong date of birth or an unknown email', async () => {
      const directory = openDirectory();
      expect(await directory.lookup('minnie.minuteman@umass.edu', '04/16/2003')).to.deep.equal({ status: 'not-found' });
      expect(await directory.lookup('nobody@umass.edu', '04/15/2003')).to.deep.equal({ status: 'not-found' });
      expect(await directory.findByEmail('nobody@umass.edu')).to.deep.equal({ status: 'not-found' });
    });

    it('has no portal behind it: password resets are unsupported', async () => {
      expect(await openDirectory().requestPasswordReset()).to.equal('unsupported');
    });
  });

  describe('reloading', () => {
    it('reloads when the file is replaced (write to a temporary file, rename over)', async () => {
      const directory = openDirectory();
      replaceFile(file, `${[...ROWS, 'new.person@example.org,03/03/1993,,other'].join('\n')}\n`);
      await eventually(async () => (await directory.findByEmail('new.person@example.org')).status === 'found', 'the reload');
      expect(directory.size).to.equal(4);
      // A second replacement is seen too: the watch survived the rename.
      replaceFile(file, `${ROWS.slice(0, 2).join('\n')}\n`);
      await eventually(() => directory.size === 1, 'the second reload');
    });

    it('reloads when the file is edited in place', async () => {
      const directory = openDirectory();
      fs.appendFileSync(file, 'appended@example.org,05/05/1995,,other\n');
      await eventually(async () => (await directory.findByEmail('appended@example.org')).status === 'found', 'the reload');
    });

    it('keeps the last good data when a reload fails, and warns without personal data', async () => {
      const { log, lines } = captureLog();
      const directory = openDirectory(log);
      replaceFile(file, `${[...ROWS, 'broken@example.org,31/12/1999,,other'].join('\n')}\n`);
      await eventually(() => lines.some((l) => l.includes('directory-reload-failed')), 'the reload warning');

      expect(directory.size).to.equal(3);
      expect((await directory.lookup('minnie.minuteman@umass.edu', '04/15/2003')).status).to.equal('found');
      const warning = JSON.parse(lines.find((l) => l.includes('directory-reload-failed'))!) as Record<string, unknown>;
      expect(warning).to.include({ level: 40, event: 'directory-reload-failed', line: 5, records: 3 });
      for (const line of lines) {
        expect(line).not.to.match(/@(umass\.edu|example\.org)/);
        expect(line).not.to.match(/\d{2}\/\d{2}\/\d{4}/);
      }

      // Fixing the file loads it again.
      replaceFile(file, `${[...ROWS, 'fixed@example.org,12/31/1999,,other'].join('\n')}\n`);
      await eventually(async () => (await directory.findByEmail('fixed@example.org')).status === 'found', 'the reload after the fix');
    });

    it('survives the file disappearing for a while', async () => {
      const { log, lines } = captureLog();
      const directory = openDirectory(log);
      fs.rmSync(file);
      await eventually(() => lines.some((l) => l.includes('directory-reload-failed') && l.includes('ENOENT')), 'the missing-file warning');
      expect(directory.size).to.equal(3);
      fs.writeFileSync(file, `${ROWS.slice(0, 3).join('\n')}\n`);
      await eventually(() => directory.size === 2, 'the reload after the file came back');
    });

    it('close() stops watching the file', async () => {
      const closed = openDirectory();
      await eventually(() => closed.changeChecks > 0, 'a first check');
      closed.close();
      const checksAtClose = closed.changeChecks;
      replaceFile(file, `${[...ROWS, 'after.close@example.org,03/03/1993,,other'].join('\n')}\n`);
      // A second directory with the same interval, started later, sees the change; timers of
      // one interval fire in creation order, so the closed one would have checked first.
      const witness = openDirectory();
      const witnessChecks = witness.changeChecks;
      await eventually(() => witness.changeChecks >= witnessChecks + 3, 'three checks of the witness');
      expect(closed.changeChecks).to.equal(checksAtClose);
      expect((await closed.findByEmail('after.close@example.org')).status).to.equal('not-found');
      expect((await witness.findByEmail('after.close@example.org')).status).to.equal('found');
      closed.close(); // idempotent
    });
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
