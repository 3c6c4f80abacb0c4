import { loadConfig, resolveEnv } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { closeQueues, createQueues, DiscoveryCache, scheduleEvery } from '@ghl-bridge/jobs';
import { createLogger, createMetrics, onShutdownSignal } from '@ghl-bridge/observability';
import { createRedis } from '@ghl-bridge/redis';
import { createGhlCitaSync } from './citas/ghl-cita-sync.js';
import { createWorkers } from './create-workers.js';
import { startMetricsServer } from './metrics-server.js';
import { createDeliveryStore } from './notifications/delivery-store.js';
import { startNotificationDispatcher } from './notifications/dispatcher.js';
import { postDelivery } from './notifications/post-delivery.js';
import { scheduleOutboxSweep } from './outbox/schedule-outbox-sweep.js';
import { processors } from './processors/index.js';
import { webhookEffects } from './webhooks/effects/index.js';

const { env, notes } = resolveEnv(process.env);
const config = loadConfig(env);
const log = createLogger({ name: 'worker', level: config.log.level });
for (const note of notes) log.info(note);
const metrics = createMetrics();
const database = createDatabase({ url: config.database.url, poolSize: config.database.poolSize });
// Workers block on Redis; BullMQ requires maxRetriesPerRequest null for that connection (the
// factory's 'worker' use). One Redis or a cluster, as configured.
const connection = createRedis(config.redis, 'worker');
connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
// Producers, the token cache, the rate budget and the discovery cache share one command connection.
const queues = createQueues(connection, config.redis.queuePrefix, { ackReplicas: config.redis.ackReplicas });
for (const queue of Object.values(queues))
  queue.on('error', (error) => log.warn({ err: error }, 'queue error'));

const ghl = createGhl({ config, db: database.db, redis: connection, log, metrics: metrics.ghl });
if (config.ghl.tokens.usingDevelopmentKey)
  log.warn('TOKEN_ENCRYPTION_KEY unset: tokens are encrypted with the public development key');
const { accessToken, refreshToken, locationId } = config.ghl.bootstrap;
if (accessToken && locationId) {
  const stored = await ghl.installs.bootstrap({ locationId, accessToken, refreshToken });
  log.info(
    { locationId, stored },
    stored ? 'bootstrap tokens stored' : 'tokens already stored; bootstrap variables ignored',
  );
}

const workers = createWorkers({
  connection,
  prefix: config.redis.queuePrefix,
  concurrency: config.worker.concurrency,
  queueConcurrency: {
    webhooks: config.worker.webhookConcurrency,
    notifications: config.notifications.concurrency,
  },
  processors,
  deps: {
    db: database.db,
    log,
    webhookEffects,
    citaSync: createGhlCitaSync(ghl.client),
    queues,
    ghl: ghl.client,
    ghlTokens: ghl.tokens,
    oauthExchange: {
      redis: connection,
      prefix: config.redis.queuePrefix,
      key: config.ghl.tokens.encryptionKey,
      installs: ghl.installs,
      redirectUri: config.ghl.oauth.redirectUri,
      appId: config.ghl.appId,
    },
    schedules: config.schedules,
    discoveryCache: new DiscoveryCache(connection, config.redis.queuePrefix, config.discovery),
    metrics,
    notifications: {
      key: config.ghl.tokens.encryptionKey,
      retryScheduleMs: config.notifications.retryScheduleMs,
      timeoutMs: config.notifications.timeoutMs,
      post: postDelivery,
      store: createDeliveryStore(database.db),
    },
  },
});
const dispatcher = await startNotificationDispatcher({
  db: database.db,
  sql: database.sql,
  queues,
  log,
  sweepMs: config.notifications.sweepMs,
});
await scheduleOutboxSweep(queues);
await scheduleEvery(queues, 'reconcile.all', 'reconcile-all', config.schedules.reconcileEveryMs, {});
await scheduleEvery(queues, 'retention.prune', 'retention-prune', 24 * 3600_000, {});
const metricsServer = await startMetricsServer({
  host: config.http.host,
  port: config.worker.metricsPort,
  token: config.admin.token,
  metrics,
  log,
});
log.info(
  {
    queues: workers.map((w) => w.name),
    concurrency: config.worker.concurrency,
    webhookConcurrency: config.worker.webhookConcurrency,
  },
  'worker started',
);

onShutdownSignal(
  log,
  [
    // Lets running jobs finish; BullMQ hands unfinished ones to another worker after a stall.
    { name: 'notification dispatcher', run: () => dispatcher.stop() },
    { name: 'workers', run: () => Promise.all(workers.map((worker) => worker.close())) },
    { name: 'queues', run: () => closeQueues(queues) },
    {
      name: 'metrics',
      run: () =>
        new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined))),
    },
    { name: 'redis', run: () => connection.quit() },
    { name: 'postgres', run: () => database.close() },
  ],
  config.shutdownTimeoutMs,
);
