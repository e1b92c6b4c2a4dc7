import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * A private `redis-server` process for fault tests (Redis going down and coming back), so that
 * stopping it never disturbs the shared test Redis. No persistence: a stop loses its data,
 * unless the test restarts it before that matters (see {@link PrivateRedis.restart}).
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  port = 0;

  /**
   * `extraArgs` go after the defaults and override them, for example
   * `['--appendonly', 'yes', '--dir', tmp]` for a server whose data survives a restart.
   */
  constructor(private readonly extraArgs: string[] = []) {}

  /** Starts on `port`, or a free port the first time. */
  async start(port = this.port): Promise<this> {
    this.port = port || (await freePort());
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`)));
      child.once('error', reject);
    });
    // Keep draining its output so a full pipe never blocks it.
    child.stdout?.resume();
    child.stderr?.resume();
    return this;
  }

  /** The URL of database 0 of this server. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Stops the server (SIGTERM to the process this helper started) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/** A TCP port nobody listens on right now (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
