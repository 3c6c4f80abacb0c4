import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createLogger, onShutdownSignal } from '@ghl-bridge/observability';
import { Redis } from 'ioredis';
import { citaSyncNotConfigured } from './citas/cita-sync.js';
import { createWorkers } from './create-workers.js';
import { scheduleOutboxSweep } from './outbox/schedule-outbox-sweep.js';
import { processors } from './processors/index.js';
import { webhookEffects } from './webhooks/effects/index.js';

const config = loadConfig(process.env);
const log = createLogger({ name: 'worker', level: config.log.level });
const database = createDatabase({ url: config.database.url, poolSize: config.database.poolSize });
// Workers block on Redis; BullMQ requires maxRetriesPerRequest null for that connection.
const connection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
// Producers (outbox sweeper, scheduler) share the connection; BullMQ duplicates it for blocking calls.
const queues = createQueues(connection, config.redis.queuePrefix);
for (const queue of Object.values(queues))
  queue.on('error', (error) => log.warn({ err: error }, 'queue error'));

const workers = createWorkers({
  connection,
  prefix: config.redis.queuePrefix,
  concurrency: config.worker.concurrency,
  processors,
  // TODO(issue 6, GHL side): replace citaSyncNotConfigured with the packages/ghl implementation.
  deps: { db: database.db, log, webhookEffects, citaSync: citaSyncNotConfigured, queues },
});
await scheduleOutboxSweep(queues);
log.info({ queues: workers.map((w) => w.name), concurrency: config.worker.concurrency }, 'worker started');

onShutdownSignal(
  log,
  [
    // Lets running jobs finish; BullMQ hands unfinished ones to another worker after a stall.
    { name: 'workers', run: () => Promise.all(workers.map((worker) => worker.close())) },
    { name: 'queues', run: () => closeQueues(queues) },
    { name: 'redis', run: () => connection.quit() },
    { name: 'postgres', run: () => database.close() },
  ],
  config.shutdownTimeoutMs,
);
