/**
 * `npm run eval [-- FILE.tsv]`: top-1 accuracy, per-intent precision and recall, the confusion
 * pairs and the misses
 * of the matcher on a labelled file (default `../shared/eval/dev.tsv`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDevSet, evaluate, findCopies, readLabelled } from '../evaluate';
import { loadKnowledge } from '../loader';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function main(): number {
  const file = path.resolve(process.argv[2] ?? defaultDevSet());
  if (!fs.existsSync(file)) {
    process.stderr.write(`No such evaluation file: ${file}\n`);
    return 2;
  }
  const kb = loadKnowledge();
  const lines = readLabelled(file);
  const report = evaluate(kb, lines);
  const copies = findCopies(kb.entries.values(), lines);
  const out: string[] = [];
  out.push(`Evaluation of ${file}`);
  out.push(`Top-1 accuracy: ${pct(report.accuracy)} (${report.correct}/${report.total}), ambiguous: ${report.ambiguous}`);
  out.push(`Emergencies missed: ${report.missedEmergencies.length}, false emergencies: ${report.falseEmergencies.length}`);
  out.push('');
  out.push(`${'intent'.padEnd(28)}${'support'.padStart(8)}${'precision'.padStart(11)}${'recall'.padStart(9)}`);
  for (const s of report.perIntent) {
    out.push(`${s.intent.padEnd(28)}${String(s.support).padStart(8)}${pct(s.precision).padStart(11)}${pct(s.recall).padStart(9)}`);
  }
  out.push('');
  if (report.confusions.length > 0) {
    out.push('Confusion pairs (expected -> got: lines):');
    for (const c of report.confusions) out.push(`  ${c.expected} -> ${c.got}: ${c.count}`);
    out.push('');
  }
  if (copies.length > 0) {
    out.push(`WARNING: ${copies.length} example(s)/keyword(s) copy lines of this file, so it overstates accuracy:`);
    for (const c of copies) out.push(`  ${c.entry}: "${c.text}" (line ${c.line})`);
    out.push('');
  }
  out.push(report.misses.length === 0 ? 'No misses.' : `Misses (${report.misses.length}):`);
  for (const m of report.misses) out.push(`  line ${m.line}: expected ${m.intent}, got ${m.got} (${m.score.toFixed(3)}): ${m.text}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

process.exitCode = main();
