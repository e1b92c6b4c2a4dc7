import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../knowledge/projectRoot';

/**
 * The Dockerfile and compose.yaml, checked without a container engine (there is none here): the
 * Dockerfile's structure and that everything it copies exists; compose.yaml's services, and the
 * compose tool's own validation (`docker compose config -q`, or `docker-compose config -q`).
 */
const root = projectRoot();

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of each stage, by the stage's name. */
function stages(all: Instruction[]): Map<string, Instruction[]> {
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] | null = null;
  for (const i of all) {
    if (i.op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(i.args)?.[1] ?? String(result.size);
      current = [i];
      result.set(name, current);
    } else current?.push(i);
  }
  return result;
}

describe('Dockerfile', () => {
  const text = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const all = instructions(text);
  const byStage = stages(all);
  const runtime = byStage.get('runtime') ?? [];

  it('is multi-stage on Node 20 slim: a build stage and a runtime stage', () => {
    expect([...byStage.keys()]).to.deep.equal(['build', 'runtime']);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1];
    expect(image).to.match(/^node:20\.\d+-\S*slim$/);
    for (const stage of byStage.values()) expect(stage[0].args).to.match(/^\$\{NODE_IMAGE\} AS /);
    expect(all.some((i) => i.op === 'RUN' && /npm run build/.test(i.args)), 'the build stage compiles').to.equal(true);
  });

  it('the runtime stage installs production dependencies only, runs as a non-root user, with a HEALTHCHECK on /healthz', () => {
    const runs = runtime.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /npm ci --omit=dev\b/.test(r))).to.equal(true);
    expect(runs.every((r) => !/npm (ci|install)(?!.*--omit=dev)/.test(r))).to.equal(true);
    const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).to.match(/NODE_ENV=production/);
    const user = runtime.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).to.be.a('string');
    expect(user).not.to.match(/^(root|0)(:|$)/);
    const userAt = runtime.findIndex((i) => i.op === 'USER');
    const cmdAt = runtime.findIndex((i) => i.op === 'CMD');
    expect(userAt).to.be.lessThan(cmdAt);
    const health = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).to.include('/healthz');
    expect(runtime.find((i) => i.op === 'CMD')?.args).to.include('dist/bot/index.js');
  });

  it('copies only files that exist (or the build stage produces), and what the bot reads at run time', () => {
    const copies = all.filter((i) => i.op === 'COPY');
    const fromBuild: string[] = [];
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      const fromStage = parts[0].startsWith('--from=');
      const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        if (fromStage) fromBuild.push(source.replace(/^\/app\//, ''));
        else expect(fs.existsSync(path.join(root, source)), `COPY ${source}`).to.equal(true);
      }
    }
    expect(fromBuild).to.include.members(['dist/bot', 'dist/dialogs', 'dist/knowledge']);
    const runtimeSources = runtime.filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).filter((p) => !p.startsWith('--')).slice(0, -1));
    // What the bot reads from the project folder at run time (knowledge, sample directory, page, version).
    expect(runtimeSources).to.include.members(['package.json', 'knowledge/entries', 'knowledge/flowFacts.yaml', 'bot/data', 'bot/web/public', 'tools/buildIfNeeded.js']);
  });

  it('.dockerignore keeps node_modules, builds, local mail and secrets out of the build context', () => {
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).to.include.members(['node_modules', 'dist', '.git', 'outbox', '.env']);
  });
});

describe('compose.yaml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: unknown; deploy?: { replicas?: number }; environment?: Record<string, string>; volumes?: string[]; ports?: string[]; depends_on?: unknown; healthcheck?: unknown }>;
  };

  it('runs two bot replicas behind nginx, with Redis and PostgreSQL', () => {
    const { bot, nginx, redis, postgres } = compose.services;
    expect(bot.build).to.equal('.');
    expect(bot.deploy?.replicas).to.equal(2);
    expect(bot.environment).to.include({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379/0' });
    expect(bot.environment?.DATABASE_URL).to.match(/^postgres:\/\/.+@postgres:5432\//);
    expect(bot.ports, 'the bot is reached through nginx only').to.equal(undefined);
    expect(bot.depends_on).to.have.keys('redis', 'postgres');
    expect(nginx.image).to.match(/^nginx:/);
    expect(nginx.volumes).to.include('./deploy/nginx/bot.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(redis.image).to.match(/^redis:/);
    expect(redis.healthcheck).to.be.an('object');
    expect(postgres.image).to.match(/^postgres:15/);
    expect(postgres.healthcheck).to.be.an('object');
    // The nginx configuration proxies to the compose service by name (test/deploy/nginx.test.ts runs it).
    expect(fs.readFileSync(path.join(root, 'deploy', 'nginx', 'bot.conf'), 'utf8')).to.match(/^\s*server bot:3978\b/m);
  });

  it('passes the compose tool\'s own validation (docker compose config -q, or docker-compose where that is the tool)', function () {
    const env = { ...process.env, POSTGRES_PASSWORD: 'compose-config-check' };
    const candidates: Array<[string, string[]]> = [
      ['docker', ['compose', 'config', '-q']],
      ['docker-compose', ['config', '-q']],
    ];
    const tool = candidates.find(([command, args]) => spawnSync(command, args[0] === 'compose' ? ['compose', 'version'] : ['version'], { encoding: 'utf8' }).status === 0);
    if (!tool) {
      // No compose tool on this machine: bash .ci/run installs Debian's docker-compose where docker exists.
      expect(spawnSync('docker', ['--version']).status, 'docker exists but no compose tool: install docker-compose').not.to.equal(0);
      return;
    }
    const [command, args] = tool;
    const result = spawnSync(command, [...args.slice(0, -2), '-f', path.join(root, 'compose.yaml'), ...args.slice(-2)], { cwd: root, env, encoding: 'utf8' });
    expect(result.status, `${command} ${args.join(' ')}: ${result.stderr}`).to.equal(0);
    // A required secret left unset is an error, not an empty password.
    const unset = spawnSync(command, [...args.slice(0, -2), '-f', path.join(root, 'compose.yaml'), ...args.slice(-2)], { cwd: root, env: { ...process.env, POSTGRES_PASSWORD: '' }, encoding: 'utf8' });
    expect(unset.status).not.to.equal(0);
    expect(unset.stderr).to.include('POSTGRES_PASSWORD');
  });
});
