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

const sourceTime = Math.max(...dirs.map((d) => newestSource(path.join(root, d))), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
const builtTime = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (process.argv.includes('--force') || builtTime < sourceTime) {
  process.stderr.write('Building TypeScript (dist/ is missing or out of date)...\n');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: ['ignore', process.stderr, process.stderr], cwd: root });
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, new Date().toISOString());
}
