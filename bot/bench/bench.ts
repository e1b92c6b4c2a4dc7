import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import type { ServerReport, ServerSpec } from './benchServer';
import type { MemoryReport } from './memoryProbe';
import { summariseProfile, type ProfileSummary } from './profile';
import { BOT_SCRIPT, ECHO_SCRIPT, scriptRequests, type ScriptCheck } from './scenario';

/**
 * `npm run bench`: drives `POST /api/messages` of the real bot (and of a bare echo bot on the
 * same stack) with autocannon, at 10 and 50 concurrent conversations, with memory state and
 * with Redis state; prints req/s, latency p50/p99 and peak RSS, our throughput and p99 as
 * ratios of the echo bot's, the RSS of 10,000 conversations held in memory state, and checks
 * the targets of issue 8. Loopback only; every scenario runs for a bounded time.
 *
 * Options: `--duration=<s>` (default 5), `--connections=10,50`, `--conversations=10000`,
 * `--profile` (CPU-profiles the bot at Redis state and the highest concurrency, and prints
 * the busiest functions and packages), `--json=<file>` (writes the results).
 * Redis: `BENCH_REDIS_URL`, else `REDIS_URL`, else redis://127.0.0.1:6379/0, under a random
 * key prefix that is deleted afterwards.
 */

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number[];
  conversations: number;
  profile: boolean;
  json: string | null;
  redisUrl: string;
}

/** The measurement of one server at one concurrency. */
export interface ScenarioResult {
  kind: 'bot' | 'echo';
  state: 'memory' | 'redis';
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssBytes: number;
  requests: number;
  /** Socket errors and timeouts seen by autocannon. */
  errors: number;
  check: ScriptCheck;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    durationSeconds: Number(value('duration') ?? 5),
    warmupSeconds: 1,
    connections: (value('connections') ?? '10,50').split(',').map(Number),
    conversations: Number(value('conversations') ?? 10000),
    profile: argv.includes('--profile'),
    json: value('json') ?? null,
    redisUrl: process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  };
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/** Resolves with the next IPC message of `child` that `pick` accepts. */
function nextMessage<T>(child: ChildProcess, pick: (m: ServerReport) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerReport) => {
      const picked = pick(message);
      if (picked === undefined) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(picked);
    };
    const onExit = (code: number | null) => reject(new Error(`bench server exited early (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** One autocannon run against `port` playing the script of `kind`. */
async function drive(port: number, kind: 'bot' | 'echo', connections: number, seconds: number): Promise<{ result: autocannon.Result; check: ScriptCheck }> {
  const { requests, check } = scriptRequests(kind === 'bot' ? BOT_SCRIPT : ECHO_SCRIPT, `bench-${crypto.randomBytes(4).toString('hex')}`);
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections, pipelining: 1, duration: seconds, requests, timeout: 30 });
  return { result, check };
}

/** Starts one server in a child, warms it up, measures it, stops it and collects its peak RSS. */
async function runScenario(options: Options, spec: ServerSpec, connections: number, profileDir: string | null): Promise<ScenarioResult> {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(path.join(__dirname, 'benchServer.js'), [JSON.stringify(spec)], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await nextMessage(child, (m) => ('port' in m ? m.port : undefined));
    await drive(port, spec.kind, connections, options.warmupSeconds);
    const { result, check } = await drive(port, spec.kind, connections, options.durationSeconds);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const rss = nextMessage(child, (m) => ('maxRssBytes' in m ? m.maxRssBytes : undefined));
    child.send('stop');
    const peakRssBytes = await rss;
    await exited;
    return {
      kind: spec.kind,
      state: spec.state,
      connections,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      peakRssBytes,
      requests: result.requests.total,
      errors: result.errors + result.timeouts,
      check,
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Runs the 10,000-conversation memory probe in a child with `--expose-gc`. */
async function probeMemory(conversations: number): Promise<MemoryReport> {
  const child = fork(path.join(__dirname, 'memoryProbe.js'), [String(conversations)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`memory probe exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as MemoryReport;
}

async function assertRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(`no Redis answers at ${url}: start one (redis-server) or set BENCH_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

function printScenarios(results: ScenarioResult[]): void {
  const header = ['state', 'conc', 'server', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'requests', 'errors', 'non-200', 'wrong reply'];
  const rows = results.map((r) => [r.state, String(r.connections), r.kind, r.requestsPerSecond.toFixed(0), String(r.p50Ms), String(r.p99Ms), mb(r.peakRssBytes), String(r.requests), String(r.errors), String(r.check.badStatus), String(r.check.wrongReply)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}

/** Our bot's throughput and p99 as ratios of the echo bot's, per state and concurrency. */
export interface Ratio {
  state: 'memory' | 'redis';
  connections: number;
  throughput: number;
  p99: number;
}

function ratios(results: ScenarioResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const bot of results.filter((r) => r.kind === 'bot')) {
    const echo = results.find((r) => r.kind === 'echo' && r.state === bot.state && r.connections === bot.connections);
    if (echo) out.push({ state: bot.state, connections: bot.connections, throughput: bot.requestsPerSecond / echo.requestsPerSecond, p99: bot.p99Ms / Math.max(1, echo.p99Ms) });
  }
  return out;
}

function printProfile(summary: ProfileSummary): void {
  console.log(`\nCPU profile of the bot (Redis state, highest concurrency): idle ${(summary.idleShare * 100).toFixed(0)}% of samples; busy time by package/folder:`);
  summary.packages.forEach((row) => console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.label}`));
  console.log('busiest functions (self time):');
  summary.functions.forEach((row) => console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.label}`));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await assertRedis(options.redisUrl);
  const runPrefix = `bench:${crypto.randomBytes(6).toString('hex')}:`;
  const profileDir = options.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-prof-')) : null;
  console.log(`Bench: ${os.cpus().length} CPUs, node ${process.version}, ${options.durationSeconds} s per scenario after a ${options.warmupSeconds} s warm-up, loopback only.`);

  const results: ScenarioResult[] = [];
  const maxConnections = Math.max(...options.connections);
  for (const state of ['memory', 'redis'] as const) {
    for (const connections of options.connections) {
      for (const kind of ['echo', 'bot'] as const) {
        const spec: ServerSpec = { kind, state, redisUrl: options.redisUrl, prefix: `${runPrefix}${kind}:${state}:${connections}:` };
        const profiled = profileDir && kind === 'bot' && state === 'redis' && connections === maxConnections ? profileDir : null;
        process.stderr.write(`  running ${kind} with ${state} state at ${connections} connections...\n`);
        results.push(await runScenario(options, spec, connections, profiled));
      }
    }
  }

  console.log('');
  printScenarios(results);
  const r = ratios(results);
  console.log('\nOur bot as a ratio of the echo bot (same stack, same storage):');
  r.forEach((x) => console.log(`  ${x.state} state, ${x.connections} conversations: throughput ${(x.throughput * 100).toFixed(0)}% of echo, p99 ${x.p99.toFixed(2)}x echo`));

  process.stderr.write(`  holding ${options.conversations} conversations in memory state...\n`);
  const memory = await probeMemory(options.conversations);
  console.log(
    `\nRSS with ${memory.conversations} conversations held in memory state: ${mb(memory.rssBytes)} MB at rest ` +
      `(${mb(memory.baselineRssBytes)} MB before them, ${((memory.rssBytes - memory.baselineRssBytes) / memory.conversations / 1024).toFixed(1)} KB per conversation; ` +
      `heap ${mb(memory.heapUsedBytes)} MB; ${mb(memory.afterTurnsRssBytes)} MB right after the last turn, peak ${mb(memory.peakRssBytes)} MB while creating them; ` +
      `${memory.gc ? 'readings after a full GC' : 'no --expose-gc'}; ${memory.unexpectedReplies} conversations off-script)`,
  );

  let profile: ProfileSummary | null = null;
  if (profileDir) {
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      profile = summariseProfile(path.join(profileDir, file));
      printProfile(profile);
      console.log(`(profile kept at ${path.join(profileDir, file)})`);
    }
  }

  const misses: string[] = [];
  for (const x of r.filter((x) => x.state === 'redis')) {
    if (x.throughput < 0.5) misses.push(`Redis state at ${x.connections}: throughput ${(x.throughput * 100).toFixed(0)}% of echo (target >= 50%)`);
    if (x.p99 > 2) misses.push(`Redis state at ${x.connections}: p99 ${x.p99.toFixed(2)}x echo (target <= 2x)`);
  }
  if (memory.rssBytes >= 300 * 1024 * 1024) misses.push(`RSS with ${memory.conversations} conversations: ${mb(memory.rssBytes)} MB (target < 300 MB)`);
  const invalid = results.filter((x) => x.errors || x.check.badStatus || x.check.wrongReply).length + (memory.unexpectedReplies ? 1 : 0);
  if (invalid) misses.push(`${invalid} runs had errors or off-script replies: their numbers do not measure the intended work`);
  console.log(misses.length ? `\nTargets missed:\n${misses.map((m) => `  - ${m}`).join('\n')}` : '\nAll targets met.');

  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ results, ratios: r, memory, profile, misses }, null, 2));
  process.exitCode = misses.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
