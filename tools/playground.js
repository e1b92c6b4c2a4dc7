#!/usr/bin/env node
// `npm run playground`: the bot and the Microsoft 365 Agents Playground (a devDependency) side by
// side, the Playground talking to the local bot as the Teams channel (msteams). The Playground's
// mocked Connector service URL is added to ALLOWED_SERVICE_URLS for this run only, so the bot may
// reply to it; nothing else is opened. Ctrl-C stops both.
'use strict';
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const botPort = Number(process.env.PORT || 3978);
const playgroundPort = Number(process.env.PLAYGROUND_PORT || 56150);
const serviceUrl = `http://localhost:${playgroundPort}/_connector`;

execFileSync(process.execPath, [path.join(__dirname, 'buildIfNeeded.js')], { stdio: 'inherit', cwd: root });

const allowed = [process.env.ALLOWED_SERVICE_URLS, `http://localhost:${playgroundPort}`].filter(Boolean).join(',');
const children = [];
const start = (what, command, args, env) => {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    process.stderr.write(`${what} stopped (${signal || code}); stopping the rest.\n`);
    stopAll();
    process.exitCode = code || 0;
  });
  children.push(child);
  return child;
};
let stopping = false;
function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

start('The bot', process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', 'index.js')], {
  PORT: String(botPort),
  ALLOWED_SERVICE_URLS: allowed,
});
start('The Agents Playground', process.execPath, [
  require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [root] }),
  '--app-endpoint', `http://localhost:${botPort}/api/messages`,
  '--channel-id', 'msteams',
  '--port', String(playgroundPort),
  '--service-url', serviceUrl,
  '--disable-telemetry',
], {});
process.stdout.write(`Agents Playground: http://localhost:${playgroundPort} (Teams channel) -> bot on port ${botPort}\n`);
