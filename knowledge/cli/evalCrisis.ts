/**
 * `npm run eval:crisis [-- CRISIS.tsv [LABELLED.tsv…]]`: recall and false emergencies of the
 * emergency detector, through `match` as the bot uses it, on the crisis-language set (tuned and
 * held-out parts reported separately) and on labelled `intent<TAB>text` files (by default the
 * copy of the shared dev set in `test/fixtures/dev.tsv`).
 */
import * as path from 'node:path';
import { defaultCrisisSet, readCrisisSet, scoreCrisis, type CrisisLine, type CrisisScore } from '../crisisSet';
import { readLabelled } from '../evaluate';
import { EMERGENCY_INTENT } from '../intents';
import { loadKnowledge } from '../loader';
import { projectRoot } from '../projectRoot';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function row(name: string, s: CrisisScore): string {
  return `${name.padEnd(10)}${`${s.caught}/${s.crises}`.padStart(9)}${pct(s.recall).padStart(9)}${String(s.falseAlarms.length).padStart(8)} of ${s.safe}`;
}

function main(): number {
  const args = process.argv.slice(2);
  const crisisFile = path.resolve(args[0] ?? defaultCrisisSet());
  const labelledFiles = args.length > 1 ? args.slice(1).map((f) => path.resolve(f)) : [path.join(projectRoot(), 'test', 'fixtures', 'dev.tsv')];
  const kb = loadKnowledge();
  const isEmergency = (text: string): boolean => kb.match(text).kind === 'emergency';
  const out: string[] = [];
  const set = readCrisisSet(crisisFile);
  const tune = scoreCrisis(
    set.filter((l) => l.part === 'tune'),
    isEmergency,
  );
  const heldout = scoreCrisis(
    set.filter((l) => l.part === 'heldout'),
    isEmergency,
  );
  out.push(`Crisis set: ${path.relative(process.cwd(), crisisFile) || crisisFile}`);
  out.push(`${'part'.padEnd(10)}${'caught'.padStart(9)}${'recall'.padStart(9)}  false emergencies`);
  out.push(row('tuned', tune));
  out.push(row('held-out', heldout));
  for (const file of labelledFiles) {
    const lines = readLabelled(file).map(
      (l): CrisisLine => ({ expected: l.intent === EMERGENCY_INTENT ? 'crisis' : 'safe', part: 'heldout', source: l.intent, text: l.text, line: l.line }),
    );
    out.push(row(path.basename(file), scoreCrisis(lines, isEmergency)));
    const s = scoreCrisis(lines, isEmergency);
    for (const l of s.missed) out.push(`  ${path.basename(file)}:${l.line} missed: ${l.text}`);
    for (const l of s.falseAlarms) out.push(`  ${path.basename(file)}:${l.line} false emergency: ${l.text}`);
  }
  for (const [name, s] of [
    ['tuned', tune],
    ['held-out', heldout],
  ] as const) {
    for (const l of s.missed) out.push(`  ${name} line ${l.line} missed (${l.source}): ${l.text}`);
    for (const l of s.falseAlarms) out.push(`  ${name} line ${l.line} false emergency (${l.source}): ${l.text}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

process.exitCode = main();
