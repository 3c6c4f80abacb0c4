import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '@ghl-bridge/config';
import { createDatabase, type Db, registerConfiguredWorkflowSecret } from '@ghl-bridge/db';
import { closeQueues, createQueues, type Queues } from '@ghl-bridge/jobs';
import { createLogger, createMetrics, type Logger, type ShutdownStep } from '@ghl-bridge/observability';
import { createRedis, type RedisClient, type RedisSettings } from '@ghl-bridge/redis';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp } from './app.js';
import { createDiscovery } from './staff/ask-worker.js';

/** What a test or a bench may change about an ingress; production passes none of it. */
export interface IngressOverrides {
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** The process logger (default: one named `ingress` at the configured level). */
  log?: Logger;
  /** One Redis at this URL instead of the configured one, e.g. a closed port. */
  redisUrl?: string;
  /** Another PostgreSQL (e.g. a closed port), or a smaller pool and a shorter connect timeout. */
  database?: { url?: string; poolSize?: number; connectTimeoutSeconds?: number };
  /** Sees every route as it is registered. */
  onRoute?: (route: RouteOptions) => void;
}

export interface Ingress {
  app: FastifyInstance;
  queues: Queues;
  log: Logger;
  /** What stops it, in order: stop accepting, queues, queue events, Redis, PostgreSQL. */
  shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps (tests; main.ts runs them on a signal). */
  close(): Promise<void>;
}

/** How long start-up waits for Redis, so the first requests are not refused while it connects. */
const REDIS_READY_WAIT_MS = 1000;

/**
 * The ingress process, wired once: clients, queues, the configured workflow secret and the
 * HTTP app. main.ts listens on it; tests `inject` into it; benches run main.ts.
 */
export async function createIngress(config: Config, overrides: IngressOverrides = {}): Promise<Ingress> {
  const log = overrides.log ?? createLogger({ name: 'ingress', level: config.log.level });
  const redisSettings: RedisSettings = overrides.redisUrl
    ? { ...config.redis, url: overrides.redisUrl, clusterNodes: undefined }
    : config.redis;
  const database = createDatabase({
    url: overrides.database?.url ?? config.database.url,
    poolSize: overrides.database?.poolSize ?? config.database.poolSize,
    connectTimeoutSeconds: overrides.database?.connectTimeoutSeconds,
  });
  // Producers in a request path fail fast while Redis is away (no offline queue), so a webhook
  // gets its 429 promptly instead of waiting on a reconnect. One Redis or a cluster, as configured.
  const redis = createRedis(redisSettings, 'producer');
  redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
  await connected(redis, REDIS_READY_WAIT_MS);
  const queues = createQueues(redis, config.redis.queuePrefix, { ackReplicas: config.redis.ackReplicas });
  for (const queue of Object.values(queues))
    queue.on('error', (error) => log.warn({ err: error }, 'queue error'));
  const discovery = createDiscovery(redisSettings, redis, config.redis.queuePrefix, config.discovery, log);

  const shutdownSteps: ShutdownStep[] = [
    { name: 'queues', run: () => closeQueues(queues) },
    { name: 'queue events', run: () => discovery.close() },
    { name: 'redis', run: () => redis.quit().catch(() => redis.disconnect()) },
    { name: 'postgres', run: () => database.close() },
  ];
  try {
    await registerWorkflowSecret(config, database.db, log);
    const app = await buildApp({
      config,
      log,
      queues,
      db: database.db,
      discovery,
      redis,
      metrics: createMetrics(),
      readiness: { redis: () => redis.ping(), postgres: () => database.sql`select 1` },
      now: overrides.now ?? Date.now,
      onRoute: overrides.onRoute,
    });
    shutdownSteps.unshift({ name: 'http', run: () => app.close() });
    return {
      app,
      queues,
      log,
      shutdownSteps,
      async close() {
        for (const step of shutdownSteps) await step.run();
      },
    };
  } catch (error) {
    // A start that fails stops what it started, so the process can exit.
    for (const step of shutdownSteps) await step.run().catch(() => undefined);
    throw error;
  }
}

/** GHL_WEBHOOK_SECRET is GHL_LOCATION_ID's workflow secret: stored hashed, like the bootstrap tokens. */
async function registerWorkflowSecret(config: Config, db: Db, log: Logger) {
  const { configuredSecret } = config.webhooks;
  if (!configuredSecret) return;
  const outcome = await registerConfiguredWorkflowSecret(db, configuredSecret);
  const { locationId } = configuredSecret;
  if (outcome === 'revoked_by_operator')
    log.warn({ locationId }, 'GHL_WEBHOOK_SECRET was revoked with the CLI; it stays refused (set a new one)');
  else log.info({ locationId, outcome }, 'GHL_WEBHOOK_SECRET registered as the location workflow secret');
}

/** Resolves once Redis is ready, or after `ms` when it is away (requests then meet its absence). */
async function connected(redis: RedisClient, ms: number): Promise<void> {
  if (redis.status === 'ready') return;
  const timeout = new AbortController();
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  await Promise.race([ready, sleep(ms, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
}
