import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';
import { waitUntil } from './waitUntil';

/** A bot (or any server) running as a child process, with its output captured. */
export interface ChildServer {
  child: ChildProcess;
  /** The port it logged as listening on. */
  port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command args`, collects its output and waits until it prints the bot's listening log
 * line (`"port":N`), which `npm start` and `node dist/bot/index.js` write once the server listens.
 */
export async function startChildServer(
  command: string,
  args: string[],
  options: SpawnOptions & { what: string; timeoutMs?: number; processGroup?: boolean },
): Promise<ChildServer> {
  // With `processGroup`, signals go to the whole group (npm and the node it starts), as a
  // container runtime or a service manager sends them.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: options.processGroup === true });
  const signal = (name: NodeJS.Signals) => {
    if (options.processGroup && child.pid) process.kill(-child.pid, name);
    else child.kill(name);
  };
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  let port = 0;
  try {
    await waitUntil(
      () => {
        if (exited) throw new Error(`${options.what} exited before listening:\n${out.slice(-3000)}`);
        const match = /"port":(\d+)/.exec(out);
        if (match) port = Number(match[1]);
        return port > 0;
      },
      `${options.what} listens`,
      options.timeoutMs ?? 30000,
      50,
    );
  } catch (err) {
    if (!exited) signal('SIGKILL');
    throw err;
  }
  return {
    child,
    port,
    output: () => out,
    stop: async (graceMs = 10000) => {
      if (exited) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** A TCP port that was free a moment ago (for programs that cannot listen on port 0 and say which). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}
