import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { ServerReport, ServerSpec } from './benchServer';
import type { MemoryReport, ProbeDatabase } from './memoryProbe';
import { areasPerRequest, summariseProfile, type AreaRow, type ProfileSummary } from './profile';
import { BOT_SCRIPT, ECHO_SCRIPT, scriptRequests, type ScriptCheck } from './scenario';

/**
 * `npm run bench`: drives `POST /api/messages` of the real bot (and of a bare echo bot on the
 * same stack) with autocannon, at 10 and 50 concurrent conversations, with memory state and
 * with Redis state; prints req/s, latency p50/p99 and peak RSS, our throughput and p99 as
 * ratios of the echo bot's, the RSS of 10,000 conversations held in memory state, and checks
 * the targets of issue 8. Loopback only; every scenario runs for a bounded time.
 *
 * Options: `--duration=<s>` (default 5), `--repeat=<n>` (runs per scenario, default 3; medians
 * are reported), `--connections=10,50`, `--states=memory,redis`,
 * `--conversations=10000` (0 skips the memory probe),
 * `--profile` (CPU-profiles the echo bot and the bot during their last measured runs, after the
 * warm-up, at the last state and the highest concurrency; prints the bot's busiest functions and
 * packages, and both servers' CPU time per request by area; profiling slows those runs, so take
 * the numbers from a run without it), `--json=<file>` (writes the results).
 * Redis: `BENCH_REDIS_URL`, else `REDIS_URL`, else redis://127.0.0.1:6379/0, under a random
 * key prefix that is deleted afterwards.
 * Database: `--database=postgres` (default) runs the bot as it is deployed, with `DATABASE_URL`
 * naming a database the bench creates on the PostgreSQL server of `BENCH_DATABASE_URL` (else
 * postgres://postgres@127.0.0.1:5432/postgres) and drops afterwards; `--database=embedded` runs
 * it on PGlite (`DATA_DIR` unset), the default of a bot started without configuration. The memory
 * probe runs with both whatever the option, and checks the target on the one chosen.
 */

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  /** Runs per server and concurrency; the medians are reported. */
  repeat: number;
  connections: number[];
  states: Array<'memory' | 'redis'>;
  conversations: number;
  profile: boolean;
  json: string | null;
  redisUrl: string;
  database: 'postgres' | 'embedded';
  /** The PostgreSQL server the bench makes its database on (`--database=postgres`). */
  postgresUrl: string;
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
  /** The server's CPU time (user + system) over the measured window, per request answered in it. */
  cpuMsPerRequest: number;
  requests: number;
  /** Socket errors, timeouts and non-200 answers in the measured window. */
  errors: number;
  /** Seconds until every connection had its first answer (new connections queue on a busy server). */
  rampUpSeconds: number;
  check: ScriptCheck;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    durationSeconds: Number(value('duration') ?? 5),
    warmupSeconds: 2,
    repeat: Number(value('repeat') ?? 3),
    connections: (value('connections') ?? '10,50').split(',').map(Number),
    states: (value('states') ?? 'memory,redis').split(',').filter((x): x is 'memory' | 'redis' => x === 'memory' || x === 'redis'),
    conversations: Number(value('conversations') ?? 10000),
    profile: argv.includes('--profile'),
    json: value('json') ?? null,
    redisUrl: process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    database: value('database') === 'embedded' ? 'embedded' : 'postgres',
    postgresUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
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

/** The longest a scenario may run (ramp-up, warm-up and measurement), whatever happens. */
const MAX_RUN_SECONDS = 120;

/** `p` (0..1) percentile of sorted `values`. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

/** What one measured window saw. */
interface Window {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Socket errors, timeouts and non-200 answers in the window. */
  errors: number;
  /** Seconds until every connection had its first answer. */
  rampUpSeconds: number;
}

/** Plays the script of `kind` on one connection for `conversations` whole conversations. */
async function playAlone(port: number, kind: 'bot' | 'echo', conversations: number): Promise<void> {
  const { requests } = scriptRequests(kind === 'bot' ? BOT_SCRIPT : ECHO_SCRIPT, `bench-${crypto.randomBytes(4).toString('hex')}`);
  await autocannon({ url: `http://127.0.0.1:${port}`, connections: 1, pipelining: 1, requests, amount: requests.length * conversations });
}

/**
 * One autocannon run at `connections` concurrent conversations, measured over a window:
 * ramp-up until every connection has had an answer, then `warmupSeconds`, then
 * `durationSeconds` measured, from autocannon's per-response events.
 *
 * Why not autocannon's own totals: they count from the first connection. A saturated Node
 * server accepts about one new connection per event-loop turn, so at 50 connections the last
 * ones wait seconds for their first answer, and that start-up queue would be reported as the
 * bot's p99 although no client with a kept-alive connection (Azure's channel service keeps
 * them) ever sees it. The ramp-up is reported on its own.
 */
async function measure(port: number, kind: 'bot' | 'echo', connections: number, options: Options, onWindowStart: () => void): Promise<{ window: Window; check: ScriptCheck }> {
  const { requests, check } = scriptRequests(kind === 'bot' ? BOT_SCRIPT : ECHO_SCRIPT, `bench-${crypto.randomBytes(4).toString('hex')}`);
  const started = Date.now();
  const answered = new Set<unknown>();
  const latencies: number[] = [];
  let errors = 0;
  let windowStart = 0;
  let windowEnd = 0;
  let rampUpSeconds = NaN;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // With a callback autocannon returns its instance (events, stop) instead of a promise.
  const instance = autocannon({ url: `http://127.0.0.1:${port}`, connections, pipelining: 1, requests, timeout: 30, duration: MAX_RUN_SECONDS }, () => finished());
  const inWindow = () => windowStart > 0 && Date.now() >= windowStart && Date.now() <= windowEnd;
  instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (!windowStart) {
      answered.add(client);
      if (answered.size < connections) return;
      rampUpSeconds = (Date.now() - started) / 1000;
      windowStart = Date.now() + options.warmupSeconds * 1000;
      windowEnd = windowStart + options.durationSeconds * 1000;
      setTimeout(onWindowStart, options.warmupSeconds * 1000);
      setTimeout(() => instance.stop(), (options.warmupSeconds + options.durationSeconds) * 1000);
      return;
    }
    if (!inWindow()) return;
    latencies.push(responseTime);
    if (statusCode !== 200) errors += 1;
  });
  instance.on('reqError', () => {
    if (inWindow()) errors += 1;
  });
  await done;
  if (!windowStart) throw new Error(`${kind}: not every connection was answered within ${MAX_RUN_SECONDS} s`);
  latencies.sort((a, b) => a - b);
  return {
    window: { requestsPerSecond: latencies.length / options.durationSeconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), requests: latencies.length, errors, rampUpSeconds },
    check,
  };
}

/** Starts one server in a child, warms it up, measures it, stops it and collects its peak RSS. */
async function runScenario(options: Options, spec: ServerSpec, connections: number): Promise<ScenarioResult> {
  const child = fork(path.join(__dirname, 'benchServer.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await nextMessage(child, (m) => ('port' in m ? m.port : undefined));
    // Two whole conversations one at a time first: what loads lazily on first use (prompt
    // recognizers, the Connector client) is loaded before any concurrency waits on it.
    await playAlone(port, spec.kind, 2);
    const { window, check } = await measure(port, spec.kind, connections, options, () => {
      child.send('mark');
      if (spec.profileFile) child.send('profile');
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stopped = nextMessage(child, (m) => ('maxRssBytes' in m ? m : undefined));
    child.send('stop');
    const { maxRssBytes: peakRssBytes, cpuMicros } = await stopped;
    await exited;
    return { kind: spec.kind, state: spec.state, connections, ...window, peakRssBytes, cpuMsPerRequest: cpuMicros / 1000 / Math.max(1, window.requests), check };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Runs the 10,000-conversation memory probe in a child with `--expose-gc`. */
async function probeMemory(conversations: number, database: ProbeDatabase): Promise<MemoryReport> {
  process.stderr.write(`  holding ${conversations} conversations in memory state (${database.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'})...\n`);
  const child = fork(path.join(__dirname, 'memoryProbe.js'), [String(conversations), JSON.stringify(database)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`memory probe exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as MemoryReport;
}

/**
 * The memory probe on the embedded database, in a data folder created and migrated by an earlier
 * process first: every start of a bot but its very first opens an existing folder, and creating
 * one (PGlite's initdb, in WebAssembly) leaves a high-water mark of its own in the process that
 * ran it.
 */
async function probeMemoryEmbedded(conversations: number): Promise<MemoryReport> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-data-'));
  try {
    await probeMemory(0, { dataDir });
    return await probeMemory(conversations, { dataDir });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A database of the bench's own on the PostgreSQL server at `serverUrl`: its URL, and `drop`. */
async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `uhsbot_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch {
    throw new Error(`no PostgreSQL answers at ${serverUrl}: start one, set BENCH_DATABASE_URL, or run with --database=embedded`);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
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

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The runs of one server at one state and concurrency, summarised by medians. */
export interface ScenarioSummary {
  kind: 'bot' | 'echo';
  state: 'memory' | 'redis';
  connections: number;
  runs: number;
  requestsPerSecond: number;
  minRequestsPerSecond: number;
  maxRequestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssBytes: number;
  /** Server CPU time per request (median). */
  cpuMsPerRequest: number;
  /** Seconds until all connections had a first answer (median). */
  rampUpSeconds: number;
  /** Errors, non-200 answers and off-script replies over all runs. */
  problems: number;
}

function summarise(results: ScenarioResult[]): ScenarioSummary[] {
  const out: ScenarioSummary[] = [];
  for (const r of results) {
    if (out.some((s) => s.kind === r.kind && s.state === r.state && s.connections === r.connections)) continue;
    const same = results.filter((x) => x.kind === r.kind && x.state === r.state && x.connections === r.connections);
    const rps = same.map((x) => x.requestsPerSecond);
    out.push({
      kind: r.kind,
      state: r.state,
      connections: r.connections,
      runs: same.length,
      requestsPerSecond: median(rps),
      minRequestsPerSecond: Math.min(...rps),
      maxRequestsPerSecond: Math.max(...rps),
      p50Ms: median(same.map((x) => x.p50Ms)),
      p99Ms: median(same.map((x) => x.p99Ms)),
      peakRssBytes: Math.max(...same.map((x) => x.peakRssBytes)),
      cpuMsPerRequest: median(same.map((x) => x.cpuMsPerRequest)),
      rampUpSeconds: median(same.map((x) => x.rampUpSeconds)),
      problems: same.reduce((n, x) => n + x.errors + x.check.badStatus + x.check.wrongReply, 0),
    });
  }
  return out;
}

function printScenarios(summaries: ScenarioSummary[]): void {
  const header = ['state', 'conc', 'server', 'req/s (median)', 'req/s range', 'p50 ms', 'p99 ms', 'CPU ms/req', 'peak RSS MB', 'ramp-up s', 'problems'];
  const rows = summaries.map((r) => [
    r.state,
    String(r.connections),
    r.kind,
    r.requestsPerSecond.toFixed(0),
    `${r.minRequestsPerSecond.toFixed(0)}-${r.maxRequestsPerSecond.toFixed(0)}`,
    r.p50Ms.toFixed(0),
    r.p99Ms.toFixed(0),
    r.cpuMsPerRequest.toFixed(2),
    mb(r.peakRssBytes),
    r.rampUpSeconds.toFixed(1),
    String(r.problems),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}

/** Our bot's throughput and p99 as ratios of the echo bot's (medians), per state and concurrency. */
export interface Ratio {
  state: 'memory' | 'redis';
  connections: number;
  throughput: number;
  p99: number;
  /** Our server CPU time per request over the echo bot's (lower is better; not a target). */
  cpu: number;
}

function ratios(summaries: ScenarioSummary[]): Ratio[] {
  const out: Ratio[] = [];
  for (const bot of summaries.filter((r) => r.kind === 'bot')) {
    const echo = summaries.find((r) => r.kind === 'echo' && r.state === bot.state && r.connections === bot.connections);
    if (echo) out.push({ state: bot.state, connections: bot.connections, throughput: bot.requestsPerSecond / echo.requestsPerSecond, p99: bot.p99Ms / Math.max(1, echo.p99Ms), cpu: bot.cpuMsPerRequest / echo.cpuMsPerRequest });
  }
  return out;
}

function printProfile(summary: ProfileSummary, state: string, connections: number): void {
  console.log(`\nCPU profile of the bot (${state} state, ${connections} connections, measured run only): idle ${(summary.idleShare * 100).toFixed(0)}% of samples; busy time by package/folder:`);
  summary.packages.forEach((row) => console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.label}`));
  console.log('busiest functions (self time):');
  summary.functions.forEach((row) => console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.label}`));
}

/** Both servers' CPU time per request by area, the bot's extra time first. */
function printAreas(echo: AreaRow[], bot: AreaRow[]): void {
  const micros = (rows: AreaRow[], area: string) => rows.find((r) => r.area === area)?.microsPerRequest ?? 0;
  const names = [...new Set([...bot, ...echo].map((r) => r.area))].sort((a, b) => micros(bot, b) - micros(echo, b) - (micros(bot, a) - micros(echo, a)));
  const total = (rows: AreaRow[]) => rows.reduce((sum, r) => sum + r.microsPerRequest, 0);
  console.log('\nBusy CPU time per request of the profiled runs, by area (µs; main thread, profiler overhead included):');
  console.log(`  ${'area'.padEnd(44)}${'echo'.padStart(7)}${'bot'.padStart(7)}${'extra'.padStart(7)}`);
  for (const name of names) {
    console.log(`  ${name.padEnd(44)}${micros(echo, name).toFixed(0).padStart(7)}${micros(bot, name).toFixed(0).padStart(7)}${(micros(bot, name) - micros(echo, name)).toFixed(0).padStart(7)}`);
  }
  console.log(`  ${'total'.padEnd(44)}${total(echo).toFixed(0).padStart(7)}${total(bot).toFixed(0).padStart(7)}${(total(bot) - total(echo)).toFixed(0).padStart(7)}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await assertRedis(options.redisUrl);
  const database = options.database === 'postgres' ? await createBenchDatabase(options.postgresUrl) : null;
  try {
    await run(options, database?.url);
  } finally {
    await database?.drop();
  }
}

function printMemory(memory: MemoryReport, label: string): void {
  console.log(
    `\nRSS with ${memory.conversations} conversations held in memory state, ${label}: ${mb(memory.rssBytes)} MB at rest ` +
      `(${mb(memory.baselineRssBytes)} MB before them, ${((memory.rssBytes - memory.baselineRssBytes) / memory.conversations / 1024).toFixed(1)} KB per conversation; ` +
      `heap ${mb(memory.heapUsedBytes)} MB; ${mb(memory.afterTurnsRssBytes)} MB right after the last turn, peak ${mb(memory.peakRssBytes)} MB while creating them; ` +
      `${memory.gc ? 'readings after a full GC' : 'no --expose-gc'}; ${memory.unexpectedReplies} conversations off-script)`,
  );
}

/** The bench with the bot's database at `databaseUrl` (PostgreSQL), or embedded when it is undefined. */
async function run(options: Options, databaseUrl: string | undefined): Promise<void> {
  const runPrefix = `bench:${crypto.randomBytes(6).toString('hex')}:`;
  const profileDir = options.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-prof-')) : null;
  const profileFile = (kind: 'bot' | 'echo') => path.join(profileDir ?? '', `${kind}.cpuprofile`);
  const profiledRuns: ScenarioResult[] = [];
  console.log(
    `Bench: ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}; ${options.repeat} runs of ${options.durationSeconds} s per scenario, ` +
      `each after two lone conversations, the ramp-up of all connections and a ${options.warmupSeconds} s warm-up; echo and bot alternate; loopback only; ` +
      `the bot's database: ${databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}.`,
  );

  // Echo and bot alternate, run after run, so that both see the same background load.
  const results: ScenarioResult[] = [];
  const maxConnections = Math.max(...options.connections);
  for (const state of options.states) {
    for (const connections of options.connections) {
      for (let run = 1; run <= options.repeat; run++) {
        for (const kind of ['echo', 'bot'] as const) {
          const profiled = profileDir !== null && state === options.states.at(-1) && connections === maxConnections && run === options.repeat;
          const spec: ServerSpec = { kind, state, redisUrl: options.redisUrl, prefix: `${runPrefix}${kind}:${state}:${connections}:${run}:`, ...(databaseUrl ? { databaseUrl } : {}), ...(profiled ? { profileFile: profileFile(kind) } : {}) };
          process.stderr.write(`  ${kind}, ${state} state, ${connections} connections, run ${run}/${options.repeat}${profiled ? ' (profiled)' : ''}...\n`);
          const result = await runScenario(options, spec, connections);
          results.push(result);
          if (profiled) profiledRuns.push(result);
        }
      }
    }
  }

  const summaries = summarise(results);
  console.log('');
  printScenarios(summaries);
  const r = ratios(summaries);
  console.log(`\nOur bot as a ratio of the echo bot (same stack, same storage; medians of ${options.repeat} runs):`);
  r.forEach((x) => console.log(`  ${x.state} state, ${x.connections} conversations: throughput ${(x.throughput * 100).toFixed(0)}% of echo, p99 ${x.p99.toFixed(2)}x echo; CPU per request ${x.cpu.toFixed(2)}x echo's`));

  // The target is checked with the database chosen; the embedded one is always shown too.
  const memory = options.conversations > 0 ? (databaseUrl ? await probeMemory(options.conversations, { databaseUrl }) : await probeMemoryEmbedded(options.conversations)) : null;
  const memoryEmbedded = options.conversations > 0 && databaseUrl ? await probeMemoryEmbedded(options.conversations) : null;
  if (memory) printMemory(memory, databaseUrl ? 'database PostgreSQL (DATABASE_URL, as deployed)' : 'embedded database (PGlite)');
  if (memoryEmbedded) printMemory(memoryEmbedded, 'embedded database (PGlite, DATABASE_URL unset; shown, not the target)');

  let profile: ProfileSummary | null = null;
  let areas: { echo: AreaRow[]; bot: AreaRow[] } | null = null;
  const echoRun = profiledRuns.find((x) => x.kind === 'echo');
  const botRun = profiledRuns.find((x) => x.kind === 'bot');
  if (profileDir && echoRun && botRun && fs.existsSync(profileFile('bot')) && fs.existsSync(profileFile('echo'))) {
    profile = summariseProfile(profileFile('bot'));
    printProfile(profile, options.states.at(-1) ?? '', maxConnections);
    areas = { echo: areasPerRequest(profileFile('echo'), echoRun.requests), bot: areasPerRequest(profileFile('bot'), botRun.requests) };
    printAreas(areas.echo, areas.bot);
    console.log(`(profiles kept in ${profileDir}; open them in Chrome DevTools for the call trees)`);
  }

  const misses: string[] = [];
  for (const x of r.filter((x) => x.state === 'redis')) {
    if (x.throughput < 0.5) misses.push(`Redis state at ${x.connections}: throughput ${(x.throughput * 100).toFixed(0)}% of echo (target >= 50%)`);
    if (x.p99 > 2) misses.push(`Redis state at ${x.connections}: p99 ${x.p99.toFixed(2)}x echo (target <= 2x)`);
  }
  if (memory && memory.rssBytes >= 300 * 1024 * 1024) misses.push(`RSS with ${memory.conversations} conversations: ${mb(memory.rssBytes)} MB (target < 300 MB)`);
  const invalid = summaries.filter((x) => x.problems).length + (memory?.unexpectedReplies ? 1 : 0);
  if (invalid) misses.push(`${invalid} runs had errors or off-script replies: their numbers do not measure the intended work`);
  console.log(misses.length ? `\nTargets missed:\n${misses.map((m) => `  - ${m}`).join('\n')}` : '\nAll targets met.');

  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ database: databaseUrl ? 'postgres' : 'embedded', results, summaries, ratios: r, memory, memoryEmbedded, profile, areas, misses }, null, 2));
  process.exitCode = misses.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
