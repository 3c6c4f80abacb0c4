import { createServer, type Server } from 'node:http';
import { hasAdminToken, type Logger, type Metrics } from '@ghl-bridge/observability';

export interface MetricsServerOptions {
  host: string;
  /** 0: no server. */
  port: number;
  token: string | undefined;
  metrics: Metrics;
  log: Logger;
}

/** The worker's Prometheus endpoint: it serves no other HTTP, so a bare server does. */
export async function startMetricsServer({
  host,
  port,
  token,
  metrics,
  log,
}: MetricsServerOptions): Promise<Server | undefined> {
  if (port === 0) return undefined;
  const server = createServer((request, response) => {
    const json = (status: number, error: string, message: string) => {
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error, message }));
    };
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics')
      return json(404, 'not_found', 'Only GET /metrics here');
    if (!hasAdminToken(request.headers.authorization, token)) {
      response.setHeader('www-authenticate', 'Basic realm="ghl-bridge admin"');
      return json(
        401,
        'unauthorized',
        token ? 'Admin credentials required' : 'Admin access is not configured (set ADMIN_TOKEN)',
      );
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: unknown) => {
        log.error({ err: error }, 'metrics failed');
        json(500, 'internal_error', 'metrics could not be read');
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  log.info({ host, port }, 'worker metrics listening');
  return server;
}
