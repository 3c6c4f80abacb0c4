/**
 * Baseline for the worker bench, run as its own process like the real worker: a BullMQ worker on
 * the `webhooks` queue whose processor does nothing. Env: QUEUE_PREFIX, WEBHOOK_CONCURRENCY, and
 * REDIS_URL or REDIS_CLUSTER_NODES as the services read them.
 */
import { loadConfig } from '@ghl-bridge/config';
import { createRedis, queuePrefix } from '@ghl-bridge/redis';
import { Worker } from 'bullmq';

const config = loadConfig(process.env);
const connection = createRedis(config.redis, 'worker');
const worker = new Worker('webhooks', async () => undefined, {
  connection,
  prefix: queuePrefix(config.redis.queuePrefix, 'webhooks'),
  concurrency: Number(process.env.WEBHOOK_CONCURRENCY ?? 400),
});
worker.on('error', (error) => console.error(error));
process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
