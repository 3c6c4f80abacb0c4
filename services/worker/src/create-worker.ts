import type { Config } from '@ghl-bridge/config';
import { createDatabase, type Database } from '@ghl-bridge/db';
import { createGhl, type Ghl } from '@ghl-bridge/ghl';
import { closeQueues, createQueues, DiscoveryCache, type QueueName, scheduleEvery } from '@ghl-bridge/jobs';
import {
  createLogger,
  createMetrics,
  type Logger,
  type Metrics,
  type ShutdownStep,
} from '@ghl-bridge/observability';
import { createRedis, type RedisClient } from '@ghl-bridge/redis';
import type { Job, Worker } from 'bullmq';
import type { CitaSync } from './citas/cita-sync.js';
import { createGhlCitaSync } from './citas/ghl-cita-sync.js';
import { createWorkers, dispatch } from './create-workers.js';
import { startMetricsServer } from './metrics-server.js';
import { createDeliveryStore } from './notifications/delivery-store.js';
import { type NotificationDispatcher, startNotificationDispatcher } from './notifications/dispatcher.js';
import { postDelivery } from './notifications/post-delivery.js';
import { scheduleOutboxSweep } from './outbox/schedule-outbox-sweep.js';
import { processors, type WorkerDeps } from './processors/index.js';
import type { WebhookEffects } from './webhooks/apply-webhook-events.js';
import { createWebhookBatcher } from './webhooks/create-webhook-batcher.js';
import { webhookEffects } from './webhooks/effects/index.js';

/** What a test may change about a worker; production passes none of it. */
export interface WorkerOverrides {
  /** The process logger (default: one named `worker` at the configured level). */
  log?: Logger;
  /** Milliseconds since the epoch for what the worker stamps (notification signatures); tests move it. */
  now?: () => number;
  /** A Redis client (blocking-safe: maxRetriesPerRequest null) used instead of the configured one; its owner closes it. */
  redis?: RedisClient;
  /** A PostgreSQL pool used instead of the configured one; its owner closes it. */
  database?: Database;
  /** Jobs every queue runs at once (default: the configured concurrency of each queue). */
  concurrency?: number;
  /** The queues to take jobs from (default: every one); none, for a test that hands jobs to `run`. */
  drain?: readonly QueueName[];
  /** Schedules the housekeeping jobs (default: yes); tests that count jobs or GHL calls do not. */
  schedulers?: boolean;
  /** The GHL calls of `cita.sync` (default: through the GHL client). */
  citaSync?: CitaSync;
  /** What each GHL event type changes (default: the real effects); tests swap in failing or counting ones. */
  webhookEffects?: WebhookEffects;
  /** How long a queued notification delivery sits untouched before its job is added again. */
  notificationIdleMs?: number;
}

export interface RunningWorker {
  log: Logger;
  metrics: Metrics;
  /** The GHL client and its token store, installs and budget, as the processors use them. */
  ghl: Ghl;
  deps: WorkerDeps;
  /** One BullMQ Worker per queue drained. */
  workers: Worker[];
  dispatcher: NotificationDispatcher;
  /** Runs one job as the BullMQ workers do (schema, processor, queue meaning of its errors). */
  run(job: Job, token?: string): Promise<unknown>;
  /** What stops it, in order: the dispatcher, the workers (running jobs finish), queues, metrics, Redis, PostgreSQL. */
  shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps (tests; main.ts runs them on a signal). */
  close(): Promise<void>;
}

/** Finished webhook events and idempotency keys are pruned once a day. */
const RETENTION_EVERY_MS = 24 * 3600_000;

/**
 * The worker process, wired once: clients, queues, the GHL client, the webhook batcher and the
 * notification dispatcher; then the BullMQ workers and the housekeeping schedulers. main.ts runs
 * it until a signal; tests run it in-process; benches run main.ts. A start that fails stops
 * what it had started, so the process can exit.
 */
export async function createWorker(config: Config, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  const log = overrides.log ?? createLogger({ name: 'worker', level: config.log.level });
  const metrics = createMetrics();
  // Stops pile up in the reverse order of starts: the last started is the first stopped.
  const shutdownSteps: ShutdownStep[] = [];
  const onShutdown = (name: string, run: () => Promise<unknown>) => shutdownSteps.unshift({ name, run });
  const stop = async () => {
    for (const step of shutdownSteps) await step.run();
  };

  const database =
    overrides.database ?? createDatabase({ url: config.database.url, poolSize: config.database.poolSize });
  if (!overrides.database) onShutdown('postgres', () => database.close());
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest null for that connection (the
  // factory's 'worker' use). Producers, the token cache, the rate budget and the discovery cache
  // share it. One Redis or a cluster, as configured.
  const redis = overrides.redis ?? createRedis(config.redis, 'worker');
  if (!overrides.redis) {
    redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
    onShutdown('redis', () => redis.quit().catch(() => redis.disconnect()));
  }
  try {
    const metricsServer = await startMetricsServer({
      host: config.http.host,
      port: config.worker.metricsPort,
      token: config.admin.token,
      metrics,
      log,
    });
    if (metricsServer) onShutdown('metrics', () => new Promise((resolve) => metricsServer.close(resolve)));
    const prefix = config.redis.queuePrefix;
    const queues = createQueues(redis, prefix, { ackReplicas: config.redis.ackReplicas });
    for (const queue of Object.values(queues))
      queue.on('error', (error) => log.warn({ err: error }, 'queue error'));
    onShutdown('queues', () => closeQueues(queues));

    const ghl = createGhl({ config, db: database.db, redis, log, metrics: metrics.ghl });
    await bootstrapTokens(config, ghl, log);
    const deps: WorkerDeps = {
      db: database.db,
      log,
      webhookBatcher: createWebhookBatcher({
        db: database.db,
        queues,
        log,
        metrics,
        effects: overrides.webhookEffects ?? webhookEffects,
      }),
      citaSync: overrides.citaSync ?? createGhlCitaSync(ghl.client),
      queues,
      ghl: ghl.client,
      ghlTokens: ghl.tokens,
      oauthExchange: {
        redis,
        prefix,
        key: config.ghl.tokens.encryptionKey,
        installs: ghl.installs,
        redirectUri: config.ghl.oauth.redirectUri,
        appId: config.ghl.appId,
      },
      schedules: config.schedules,
      discoveryCache: new DiscoveryCache(redis, prefix, config.discovery),
      metrics,
      notifications: {
        key: config.ghl.tokens.encryptionKey,
        retryScheduleMs: config.notifications.retryScheduleMs,
        timeoutMs: config.notifications.timeoutMs,
        post: postDelivery,
        store: createDeliveryStore(database.db),
        now: overrides.now ?? Date.now,
      },
    };

    const { concurrency } = overrides;
    const workers = createWorkers({
      connection: redis,
      prefix,
      concurrency: concurrency ?? config.worker.concurrency,
      queueConcurrency:
        concurrency === undefined
          ? { webhooks: config.worker.webhookConcurrency, notifications: config.notifications.concurrency }
          : {},
      drain: overrides.drain,
      processors,
      deps,
    });
    // Lets running jobs finish; BullMQ hands unfinished ones to another worker after a stall.
    onShutdown('workers', () => Promise.all(workers.map((worker) => worker.close())));
    const dispatcher = await startNotificationDispatcher({
      db: database.db,
      sql: database.sql,
      queues,
      log,
      sweepMs: config.notifications.sweepMs,
      idleMs: overrides.notificationIdleMs,
    });
    onShutdown('notification dispatcher', () => dispatcher.stop());
    if (overrides.schedulers ?? true) {
      await scheduleOutboxSweep(queues);
      await scheduleEvery(queues, 'reconcile.all', 'reconcile-all', config.schedules.reconcileEveryMs, {});
      await scheduleEvery(queues, 'retention.prune', 'retention-prune', RETENTION_EVERY_MS, {});
    }
    log.info(
      {
        queues: workers.map((w) => w.name),
        concurrency: concurrency ?? config.worker.concurrency,
        webhookConcurrency: concurrency ?? config.worker.webhookConcurrency,
      },
      'worker started',
    );
    return {
      log,
      metrics,
      ghl,
      deps,
      workers,
      dispatcher,
      run: (job, token) => dispatch(job, processors, deps, token),
      shutdownSteps,
      close: stop,
    };
  } catch (error) {
    for (const step of shutdownSteps) await step.run().catch(() => undefined);
    throw error;
  }
}

/** GHL_ACCESS_TOKEN and friends: stored once for GHL_LOCATION_ID, never over tokens already held. */
async function bootstrapTokens(config: Config, ghl: Ghl, log: Logger): Promise<void> {
  if (config.ghl.tokens.usingDevelopmentKey)
    log.warn('TOKEN_ENCRYPTION_KEY unset: tokens are encrypted with the public development key');
  const { accessToken, refreshToken, locationId } = config.ghl.bootstrap;
  if (!accessToken || !locationId) return;
  const stored = await ghl.installs.bootstrap({ locationId, accessToken, refreshToken });
  log.info(
    { locationId, stored },
    stored ? 'bootstrap tokens stored' : 'tokens already stored; bootstrap variables ignored',
  );
}
