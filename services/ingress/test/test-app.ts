import { createServer } from 'node:net';
import type { Config } from '@ghl-bridge/config';
import { createLogger } from '@ghl-bridge/observability';
import { createIngress, type IngressOverrides } from '../src/create-ingress.js';

export interface TestAppOptions extends Pick<IngressOverrides, 'onRoute' | 'log'> {
  config: Config;
  /** Point Redis at another URL, e.g. a closed port. */
  redisUrl?: string;
  databaseUrl?: string;
  now?: () => number;
}

/** The ingress as main.ts creates it, on the test's own database and queue prefix, logging nothing. */
export async function startTestApp({ config, redisUrl, databaseUrl, now, onRoute, log }: TestAppOptions) {
  const ingress = await createIngress(config, {
    log: log ?? createLogger({ name: 'ingress-test', level: 'silent' }),
    now,
    onRoute,
    redisUrl,
    database: { url: databaseUrl, poolSize: 2, connectTimeoutSeconds: 1 },
  });
  return { app: ingress.app, queues: ingress.queues, close: () => ingress.close() };
}

/** A local port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
