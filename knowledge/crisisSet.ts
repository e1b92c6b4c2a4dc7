import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from './projectRoot';

/**
 * The crisis-language set: lines that must come out as an emergency and lines that share words
 * with them but must not (`test/knowledge/fixtures/crisis.tsv`, sources in `crisis-sources.md`).
 * It is split into the part the detector's rules were written against and a held-out part, and
 * both are always reported, separately.
 */

/** What a line of the set must come out as. */
export type CrisisExpectation = 'crisis' | 'safe';
/** Which part of the set a line belongs to. */
export type CrisisPart = 'tune' | 'heldout';

/** One line of the set: `expected<TAB>part<TAB>source<TAB>text`. */
export interface CrisisLine {
  readonly expected: CrisisExpectation;
  readonly part: CrisisPart;
  /** Id of the public source, listed in `crisis-sources.md`. */
  readonly source: string;
  readonly text: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

/** The set shipped with the tests. */
export function defaultCrisisSet(): string {
  return path.join(projectRoot(), 'test', 'knowledge', 'fixtures', 'crisis.tsv');
}

/** Reads a crisis set; blank lines and `#` comments are skipped, a malformed line throws with its number. */
export function readCrisisSet(file: string): CrisisLine[] {
  const out: CrisisLine[] = [];
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const [expected, part, source, text, ...rest] = raw.split('\t');
      if (
        (expected !== 'crisis' && expected !== 'safe') ||
        (part !== 'tune' && part !== 'heldout') ||
        source === undefined ||
        source === '' ||
        text === undefined ||
        text.trim() === '' ||
        rest.length > 0
      ) {
        throw new Error(`${file}:${i + 1}: expected "crisis|safe<TAB>tune|heldout<TAB>source<TAB>text"`);
      }
      out.push({ expected, part, source, text, line: i + 1 });
    });
  return out;
}

/** Recall on crisis lines and false alarms on safe lines of one group of lines. */
export interface CrisisScore {
  readonly crises: number;
  readonly caught: number;
  /** caught / crises (1 when there is no crisis line). */
  readonly recall: number;
  readonly missed: CrisisLine[];
  readonly safe: number;
  readonly falseAlarms: CrisisLine[];
}

/** Scores `isEmergency` on `lines`. */
export function scoreCrisis(lines: readonly CrisisLine[], isEmergency: (text: string) => boolean): CrisisScore {
  const missed: CrisisLine[] = [];
  const falseAlarms: CrisisLine[] = [];
  let crises = 0;
  for (const line of lines) {
    const fired = isEmergency(line.text);
    if (line.expected === 'crisis') {
      crises++;
      if (!fired) missed.push(line);
    } else if (fired) {
      falseAlarms.push(line);
    }
  }
  return {
    crises,
    caught: crises - missed.length,
    recall: crises === 0 ? 1 : (crises - missed.length) / crises,
    missed,
    safe: lines.length - crises,
    falseAlarms,
  };
}
