import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { buildApp, createDiscovery } from '@ghl-bridge/ingress';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { Redis } from 'ioredis';

/**
 * Every route ingress registers, as `METHOD /url` (HEAD routes Fastify adds for each GET
 * included), read from the app itself through its `onRoute` hook: the app is built in this
 * process with the same environment the suite's ingress runs with, readied and closed. A route
 * added anywhere in ingress appears here without anyone listing it.
 */
export async function discoverRoutes(env: Record<string, string>): Promise<string[]> {
  const config = loadConfig(env);
  const log = createLogger({ name: 'fuzz-route-discovery', level: 'silent' });
  const redis = new Redis(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const queues = createQueues(redis, config.redis.queuePrefix);
  const database = createDatabase({ url: config.database.url, poolSize: 1 });
  const discovery = createDiscovery(config.redis.url, redis, config.redis.queuePrefix, config.discovery, log);
  const routes = new Set<string>();
  try {
    const app = await buildApp({
      config,
      log,
      queues,
      db: database.db,
      discovery,
      redis,
      metrics: createMetrics(),
      readiness: { redis: () => redis.ping(), postgres: () => database.sql`select 1` },
      onRoute: ({ method, url }) => {
        for (const m of Array.isArray(method) ? method : [method]) routes.add(`${m} ${url}`);
      },
    });
    await app.ready();
    await app.close();
  } finally {
    await closeQueues(queues);
    await discovery.close();
    redis.disconnect();
    await database.close();
  }
  return [...routes].sort();
}
