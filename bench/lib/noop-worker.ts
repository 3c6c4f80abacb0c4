/**
 * Baseline for the worker bench, run as its own process like the real worker: a BullMQ worker on
 * the `webhooks` queue whose processor does nothing. Env: QUEUE_PREFIX, WEBHOOK_CONCURRENCY.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker('webhooks', async () => undefined, {
  connection,
  prefix: process.env.QUEUE_PREFIX ?? '{bench}',
  concurrency: Number(process.env.WEBHOOK_CONCURRENCY ?? 400),
});
worker.on('error', (error) => console.error(error));
process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
