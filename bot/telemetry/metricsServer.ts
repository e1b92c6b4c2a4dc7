import http from 'node:http';
import type { Request, Response, Server } from 'restify';
import type { Log } from '../../dialogs/ports';
import type { BotMetrics } from './metrics';

/**
 * `GET /metrics` in Prometheus text format: on the bot's own server (METRICS_ENABLED=true),
 * or on a separate port (METRICS_PORT) that a deployment keeps off the public network.
 */

async function answer(metrics: BotMetrics, log: Log): Promise<{ status: number; type: string; body: string }> {
  try {
    return { status: 200, type: metrics.contentType, body: await metrics.render() };
  } catch (err) {
    log.warn({ code: 'E_METRICS', err }, 'metrics not rendered');
    return { status: 500, type: 'text/plain', body: 'metrics unavailable\n' };
  }
}

/** Adds `GET /metrics` to the bot's server. */
export function registerMetricsRoute(server: Server, metrics: BotMetrics, log: Log): void {
  server.get('/metrics', async (_req: Request, res: Response) => {
    const { status, type, body } = await answer(metrics, log);
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  });
}

/** A plain HTTP server answering `GET /metrics` only; resolves with it once listening. */
export async function startMetricsServer(port: number, metrics: BotMetrics, log: Log): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      // Statements, not a chain: restify's patch of http.ServerResponse makes writeHead return nothing.
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    void answer(metrics, log).then(({ status, type, body }) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
