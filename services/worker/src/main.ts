import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { createLogger, onShutdownSignal } from '@ghl-bridge/observability';
import { Redis } from 'ioredis';
import { createWorkers } from './create-workers.js';
import { processors } from './processors/index.js';
import { webhookEffects } from './webhooks/effects.js';

const config = loadConfig(process.env);
const log = createLogger({ name: 'worker', level: config.log.level });
const database = createDatabase({ url: config.database.url, poolSize: config.database.poolSize });
// Workers block on Redis; BullMQ requires maxRetriesPerRequest null for that connection.
const connection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));

const workers = createWorkers({
  connection,
  prefix: config.redis.queuePrefix,
  concurrency: config.worker.concurrency,
  processors,
  deps: { db: database.db, log, webhookEffects },
});
log.info({ queues: workers.map((w) => w.name), concurrency: config.worker.concurrency }, 'worker started');

onShutdownSignal(
  log,
  [
    // Lets running jobs finish; BullMQ hands unfinished ones to another worker after a stall.
    { name: 'workers', run: () => Promise.all(workers.map((worker) => worker.close())) },
    { name: 'redis', run: () => connection.quit() },
    { name: 'postgres', run: () => database.close() },
  ],
  config.shutdownTimeoutMs,
);
