#!/usr/bin/env node
// Builds dist/ with tsc when it is missing or older than any TypeScript source, so that
// `npm install && npm start` works on a fresh clone without a separate build step.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dirs = ['bot', 'dialogs', 'knowledge', 'manifest', 'test', 'tools'];
const stamp = path.join(root, 'dist', '.buildstamp');

function newestSource(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'build' || entry.name === 'node_modules') continue;
      newest = Math.max(newest, newestSource(p));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

// A production install (`npm ci --omit=dev`) has no TypeScript: it runs the dist/ that was built
// before it (the Dockerfile's build stage, or `npm run build` on the machine that made the copy).
let typescriptInstalled = true;
try {
  require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  typescriptInstalled = false;
}
if (!typescriptInstalled) {
  if (fs.existsSync(path.join(root, 'dist', 'bot', 'index.js'))) process.exit(0);
  process.stderr.write(
    'dist/ is missing and TypeScript is not installed (a production install, npm ci --omit=dev).\n' +
      'Build first with all dependencies (npm ci && npm run build), then install for production, or use the Docker image (see docs/deploy.md).\n',
  );
  process.exit(1);
}

const sourceTime = Math.max(...dirs.map((d) => newestSource(path.join(root, d))), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
const builtTime = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (process.argv.includes('--force') || builtTime < sourceTime) {
  process.stderr.write('Building TypeScript (dist/ is missing or out of date)...\n');
  // tsc never deletes the output of a source that was removed or renamed; a stale compiled test
  // would still run under mocha's dist/test/**/*.test.js, so the tests are compiled afresh.
  fs.rmSync(path.join(root, 'dist', 'test'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', path.join(root, 'tsconfig.json')], { stdio: ['ignore', process.stderr, process.stderr], cwd: root });
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, new Date().toISOString());
}
