// One worker process for the pacing bench: BullMQ jobs that each make one GHL call for their
// location through ghl-bridge's client and queue glue. Configured by the environment.
import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { createGhl, runGhlJob } from '@ghl-bridge/ghl';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const config = loadConfig(process.env);
const database = createDatabase({ url: config.database.url, poolSize: 5 });
const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
const ghl = createGhl({
  config,
  db: database.db,
  redis,
  log: createLogger({ name: 'pacing', level: 'silent' }),
  metrics: createMetrics().ghl,
});
const worker = new Worker(
  'pacing',
  (job: Job, token?: string) =>
    runGhlJob(job, token, () => ghl.client.getCalendar(job.data.locationId, job.data.calendarId)),
  { connection: redis, prefix: config.redis.queuePrefix, concurrency: 20 },
);
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(async () => {
    await database.close();
    redis.disconnect();
    process.exit(0);
  });
});
