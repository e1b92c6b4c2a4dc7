/**
 * `npm run bench:match`: how long the knowledge base takes to load (read + validate + index)
 * and how long one `match` takes, as median and p99 over at least 10,000 calls.
 *
 * The messages are the labelled phrasings of the eval file plus copies with random typos
 * (seeded, so runs are comparable); typos defeat the spelling cache on first sight, which is
 * the expensive path.
 *
 * Wall-clock times include waiting for the CPU when other processes compete for it (a shared
 * 2-core machine), so CPU time of this process is reported next to them: it is what the code
 * itself costs. The load average is printed to show how busy the machine was.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultDevSet, readLabelled } from '../evaluate';
import { loadEntries, loadKnowledge } from '../loader';
import { createKnowledgeBase } from '../knowledgeBase';

const CALLS = 20_000;
const LOADS = 20;

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same messages. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Swaps, drops or doubles one letter of one word of `text`. */
function typo(text: string, rnd: () => number): string {
  const chars = [...text];
  const i = Math.floor(rnd() * Math.max(1, chars.length - 1));
  const kind = Math.floor(rnd() * 3);
  if (kind === 0 && i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  else if (kind === 1) chars.splice(i, 1);
  else chars.splice(i, 0, chars[i] ?? 'e');
  return chars.join('');
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function ms(x: number): string {
  return `${x.toFixed(3)} ms`;
}

/** CPU time (user + system) of this process, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function summary(sorted: readonly number[]): string {
  return `median ${ms(quantile(sorted, 0.5))}  p90 ${ms(quantile(sorted, 0.9))}  p99 ${ms(quantile(sorted, 0.99))}  max ${ms(sorted[sorted.length - 1])}`;
}

function main(): void {
  const coldStart = performance.now();
  const coldCpu = cpuMs();
  const { entries: coldEntries, fromCache } = loadEntries();
  createKnowledgeBase(coldEntries);
  const cold = performance.now() - coldStart;
  const coldCpuTime = cpuMs() - coldCpu;

  const kb = loadKnowledge();
  const rnd = random(42);
  const base = readLabelled(process.argv[2] ?? defaultDevSet()).map((l) => l.text);
  const messages: string[] = [];
  while (messages.length < CALLS) {
    for (const text of base) messages.push(rnd() < 0.5 ? text : typo(typo(text, rnd), rnd));
  }
  for (let i = 0; i < 500; i++) kb.match(messages[i]); // warm-up: JIT, not the spelling cache of the timed texts
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    kb.match(messages[i]);
    times.push(performance.now() - t0);
    cpuTimes.push(cpuMs() - c0);
  }
  times.sort((x, y) => x - y);
  cpuTimes.sort((x, y) => x - y);

  const loads: number[] = [];
  const parses: number[] = [];
  const builds: number[] = [];
  const loadCpu: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const { entries } = loadEntries(undefined, { parseCache: false });
    const t1 = performance.now();
    createKnowledgeBase(entries);
    const t2 = performance.now();
    loadCpu.push(cpuMs() - c0);
    parses.push(t1 - t0);
    builds.push(t2 - t1);
    loads.push(t2 - t0);
  }
  [loads, parses, builds, loadCpu].forEach((a) => a.sort((x, y) => x - y));


  const lines = [
    `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `Knowledge load, first in this process (cold JIT, YAML ${fromCache ? 'from the parse cache' : 'parsed'}): ${ms(cold)} wall, ${ms(coldCpuTime)} CPU`,
    `Knowledge load, warm, median of ${LOADS} (YAML parsed every time): ${ms(quantile(loads, 0.5))} wall (read + parse + validate ${ms(quantile(parses, 0.5))}, build index ${ms(quantile(builds, 0.5))}), ${ms(quantile(loadCpu, 0.5))} CPU`,
    `Match latency over ${CALLS} calls (${kb.entries.size} entries, about half the messages with 2 random typos):`,
    `  wall: ${summary(times)}`,
    `  CPU:  ${summary(cpuTimes)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
