import { loadConfig, resolveEnv } from '@ghl-bridge/config';
import { createDatabase, registerConfiguredWorkflowSecret } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createLogger, createMetrics, onShutdownSignal } from '@ghl-bridge/observability';
import { createRedis } from '@ghl-bridge/redis';
import { buildApp } from './app.js';
import { createDiscovery } from './staff/ask-worker.js';

const { env, notes } = resolveEnv(process.env);
const config = loadConfig(env);
const log = createLogger({ name: 'ingress', level: config.log.level });
for (const note of notes) log.info(note);
const database = createDatabase({ url: config.database.url, poolSize: config.database.poolSize });
// Producers in a request path fail fast while Redis is away (no offline queue), so a webhook
// gets its 429 promptly instead of waiting on a reconnect. One Redis or a cluster, as configured.
const redis = createRedis(config.redis, 'producer');
redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
const queues = createQueues(redis, config.redis.queuePrefix, { ackReplicas: config.redis.ackReplicas });
for (const queue of Object.values(queues))
  queue.on('error', (error) => log.warn({ err: error }, 'queue error'));

const { configuredSecret } = config.webhooks;
if (configuredSecret) {
  // GHL_WEBHOOK_SECRET is GHL_LOCATION_ID's workflow secret: stored hashed, like the bootstrap tokens.
  const outcome = await registerConfiguredWorkflowSecret(database.db, configuredSecret);
  const { locationId } = configuredSecret;
  if (outcome === 'revoked_by_operator')
    log.warn({ locationId }, 'GHL_WEBHOOK_SECRET was revoked with the CLI; it stays refused (set a new one)');
  else log.info({ locationId, outcome }, 'GHL_WEBHOOK_SECRET registered as the location workflow secret');
}

const discovery = createDiscovery(config.redis, redis, config.redis.queuePrefix, config.discovery, log);

const app = await buildApp({
  config,
  log,
  queues,
  db: database.db,
  discovery,
  redis,
  metrics: createMetrics(),
  readiness: { redis: () => redis.ping(), postgres: () => database.sql`select 1` },
});

onShutdownSignal(
  log,
  [
    { name: 'http', run: () => app.close() },
    { name: 'queues', run: () => closeQueues(queues) },
    { name: 'queue events', run: () => discovery.close() },
    { name: 'redis', run: () => redis.quit() },
    { name: 'postgres', run: () => database.close() },
  ],
  config.shutdownTimeoutMs,
);

await app.listen({ host: config.http.host, port: config.http.port });
