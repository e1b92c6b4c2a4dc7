import fs from 'node:fs';
import { z } from 'zod';

/**
 * Summarises a V8 `.cpuprofile` (written by `node --cpu-prof`): the share of samples spent in
 * each function (self time) and in each package or project folder, which is what "what limits
 * throughput" needs. Idle time is left out of the shares, so they add up to the busy CPU.
 */

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      hitCount: z.number().default(0),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  /** The node id of each sample, and the microseconds since the previous one. */
  samples: z.array(z.number()).default([]),
  timeDeltas: z.array(z.number()).default([]),
});

/** A parsed `.cpuprofile`. */
type Profile = z.infer<typeof profileSchema>;

/** Reads and checks a `.cpuprofile` file. */
function readProfile(file: string): Profile {
  return profileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** One row of a summary: a label and its share of busy samples (0..1). */
export interface ProfileRow {
  label: string;
  share: number;
}

/** The busiest functions and packages of one profile. */
export interface ProfileSummary {
  busySamples: number;
  /** Share of all samples that were idle (waiting for I/O). */
  idleShare: number;
  functions: ProfileRow[];
  packages: ProfileRow[];
}

/** Where a frame's code lives: `pkg:<name>` for node_modules, `bot/…` for ours, `node:…` for Node's own. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0];
  const ours = /\/(bot|dialogs|knowledge)\/(?:([^/]+)\/)?[^/]+\.js$/.exec(url);
  if (ours) return ours[2] && !ours[2].endsWith('.js') ? `${ours[1]}/${ours[2]}` : ours[1];
  return url;
}

function top(counts: Map<string, number>, total: number, limit: number): ProfileRow[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([label, n]) => ({ label, share: total ? n / total : 0 }));
}

/** Reads `file` and returns the `limit` busiest functions and packages by self time. */
export function summariseProfile(file: string, limit = 15): ProfileSummary {
  const profile = readProfile(file);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  let all = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    all += node.hitCount;
    if (functionName === '(idle)') {
      idle += node.hitCount;
      continue;
    }
    if (!node.hitCount) continue;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist[^/]*)\//, '$1/')}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + node.hitCount);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + node.hitCount);
  }
  const busy = all - idle;
  return { busySamples: busy, idleShare: all ? idle / all : 0, functions: top(functions, busy, limit), packages: top(packages, busy, limit) };
}

/**
 * The areas a turn's CPU time is put in, first match wins, tried from the innermost frame of
 * each sample outwards: a sample in ioredis called by the state class counts as ioredis, one in
 * botbuilder-core called by a dialog counts as dialogs. What matches no area is `other`
 * (botbuilder-core's turn plumbing, Node's internals, promises).
 */
const AREAS: ReadonlyArray<readonly [string, RegExp]> = [
  ['dialogs (botbuilder-dialogs + dialogs/)', /node_modules\/botbuilder-dialogs|\/dialogs\/[^/]+\.js$/],
  ['knowledge/ (matcher, emergency)', /\/knowledge\/[^/]+\.js$/],
  ['conversation state (load, compare, save)', /botState\.js|leanConversationState|redisStorage|memoryStorage/],
  ['rate limits', /rate-limiter-flexible|rateLimiters|requestLimits/],
  ['Connector client built per turn', /botframework-connector|core-rest-pipeline|ts-http-runtime|azureCoreHttpCompat|core-http-compat/],
  ['ioredis (commands, replies)', /node_modules\/ioredis/],
  ['restify (HTTP, JSON body, response)', /node_modules\/restify/],
  ['bot turn shell (helpDeskBot, teams/)', /helpDeskBot\.js|\/teams\/[^/]+\.js$/],
];

/** CPU time per answered request in one area. */
export interface AreaRow {
  area: string;
  microsPerRequest: number;
}

/**
 * How long each sample stands for: the time until the next sample, as Chrome DevTools counts it.
 * `timeDeltas[i]` is the time since the PREVIOUS sample; the first one runs from the profiler's
 * start, a gap spent starting the profiler (about 270 ms in the bench, all put on one inspector
 * `dispatch` frame when taken as the first sample's time). The last sample has no successor and
 * counts for nothing.
 */
export function sampleDurations(profile: { samples: number[]; timeDeltas: number[] }): number[] {
  return profile.samples.map((_, i) => profile.timeDeltas[i + 1] ?? 0);
}

/**
 * Busy CPU time per request by {@link AREAS} (plus the garbage collector and `other`), from a
 * profile of a window in which `requests` requests were answered. Comparing the echo bot's rows
 * with the bot's shows where the bot's extra time per request goes.
 */
export function areasPerRequest(file: string, requests: number): AreaRow[] {
  const profile = readProfile(file);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  const durations = sampleDurations(profile);
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (durations[i] ?? 0)));
  const totals = new Map<string, number>();
  for (const [id, micros] of timeOf) {
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') continue;
    let area = leaf.callFrame.functionName === '(garbage collector)' ? 'garbage collector' : 'other';
    for (let at: number | undefined = id; at !== undefined && area === 'other'; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      const found = frame && AREAS.find(([, pattern]) => pattern.test(frame.url));
      if (found) area = found[0];
    }
    totals.set(area, (totals.get(area) ?? 0) + micros);
  }
  return [...totals.entries()].map(([area, micros]) => ({ area, microsPerRequest: requests ? micros / requests : NaN }));
}
