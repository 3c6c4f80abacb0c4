import { createServer } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import type { Config } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.js';
import { createDiscovery } from '../src/staff/ask-worker.js';

export interface TestAppOptions {
  config: Config;
  /** Point the producer at another Redis, e.g. a closed port. */
  redisUrl?: string;
  databaseUrl?: string;
  now?: () => number;
}

/** The ingress app wired as main.ts wires it, on the test's own database and queue prefix. */
export async function startTestApp({
  config,
  redisUrl = config.redis.url,
  databaseUrl,
  now,
}: TestAppOptions) {
  const log = createLogger({ name: 'ingress-test', level: 'silent' });
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 200,
  });
  redis.on('error', () => {});
  // Like a deployed ingress that has been up a moment: connected, unless Redis is truly away.
  await Promise.race([new Promise((resolve) => redis.once('ready', resolve)), setTimeout(500)]);
  const queues = createQueues(redis, config.redis.queuePrefix, { ackReplicas: config.redis.ackReplicas });
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  const database = createDatabase({
    url: databaseUrl ?? config.database.url,
    poolSize: 2,
    connectTimeoutSeconds: 1,
  });
  const discovery = createDiscovery(
    { ...config.redis, url: redisUrl },
    redis,
    config.redis.queuePrefix,
    config.discovery,
    log,
  );
  const app = await buildApp({
    config,
    log,
    queues,
    db: database.db,
    now,
    discovery,
    redis,
    metrics: createMetrics(),
    readiness: { redis: () => redis.ping(), postgres: () => database.sql`select 1` },
  });
  return {
    app,
    queues,
    async close() {
      await app.close();
      await closeQueues(queues);
      await discovery.close();
      redis.disconnect();
      await database.close();
    },
  };
}

/** A local port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
