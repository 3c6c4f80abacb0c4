/**
 * Worker memory: RSS of a worker process (services/worker/src/main.ts) idle on empty queues
 * (baseline), then with 100,000 `webhook.process` jobs waiting: first with the queue paused,
 * then while it works through them at its configured concurrency. RSS is read from /proc every
 * 250 ms. Run alone: pnpm --filter @ghl-bridge/bench bench:memory
 */
import { jobRegistry, queuePrefix } from '@ghl-bridge/jobs';
import { webhookDelivery } from '@ghl-bridge/testing/payloads';
import { Queue } from 'bullmq';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  newRedis,
  REDIS_URL,
} from './lib/bench-env.js';
import { type Child, spawnTs, waitFor } from './lib/child.js';
import { fmt, markdownTable, publish } from './lib/report.js';
import { lineChart } from './lib/svg-chart.js';
import { appointmentCreate } from './lib/webhooks.js';

const JOBS = Number(process.env.BENCH_MEMORY_JOBS ?? 100_000);
const IDLE_S = 3;
const DRAIN_S = 10;
// The target is in MB; /proc reports KiB, so RSS is compared after converting MiB to MB.
const LIMIT_MB = 250;

const redis = newRedis();
const databaseUrl = await benchDatabase('memory');
const env = (prefix: string) => ({
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  WORKER_METRICS_PORT: '0',
});

/** RSS samples (seconds since `t0`, MiB) for `seconds`. */
async function sample(child: Child, seconds: number, t0: number, into: Array<[number, number]>) {
  const end = performance.now() + seconds * 1000;
  const taken: number[] = [];
  while (performance.now() < end) {
    const rss = await child.rssMiB();
    taken.push(rss);
    into.push([(performance.now() - t0) / 1000, rss]);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { max: Math.max(...taken), last: taken.at(-1) ?? Number.NaN };
}

const idleCurve: Array<[number, number]> = [];
const loadedCurve: Array<[number, number]> = [];
let idle = { max: 0, last: 0 };
let paused = { max: 0, last: 0 };
let working = { max: 0, last: 0 };
let processed = 0;
try {
  const idlePrefix = benchPrefix();
  const idleQueue = new Queue('webhooks', { connection: redis, prefix: queuePrefix(idlePrefix, 'webhooks') });
  const idleWorker = spawnTs('worker-idle', 'services/worker/src/main.ts', env(idlePrefix));
  try {
    await waitFor('idle worker', async () => (await idleQueue.getWorkersCount()) >= 1, 60_000, 100);
    idle = await sample(idleWorker, IDLE_S, performance.now(), idleCurve);
  } finally {
    await idleWorker.stop();
    await idleQueue.close();
    await deleteKeys(redis, idlePrefix);
  }

  const prefix = benchPrefix();
  const queue = new Queue('webhooks', { connection: redis, prefix: queuePrefix(prefix, 'webhooks') });
  try {
    await queue.pause();
    const { options } = jobRegistry['webhook.process'];
    for (let i = 0; i < JOBS; i += 1000) {
      // Built a thousand at a time, so the bench itself never holds 100k payloads.
      await queue.addBulk(
        Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({
          name: 'webhook.process',
          data: webhookDelivery(appointmentCreate(i + k)),
          opts: { ...options, jobId: `wh-m${i + k}` },
        })),
      );
    }
    const worker = spawnTs('worker-loaded', 'services/worker/src/main.ts', env(prefix));
    try {
      await waitFor('loaded worker', async () => (await queue.getWorkersCount()) >= 1, 60_000, 100);
      const t0 = performance.now();
      paused = await sample(worker, IDLE_S, t0, loadedCurve);
      await queue.resume();
      working = await sample(worker, DRAIN_S, t0, loadedCurve);
      processed = JOBS - (await queue.getWaitingCount());
    } finally {
      await worker.stop();
    }
  } finally {
    await queue.close();
    await deleteKeys(redis, prefix);
  }
} finally {
  redis.disconnect();
  await dropBenchDatabase(databaseUrl);
}

const peak = Math.max(paused.max, working.max);
await publish({
  name: 'memory',
  title: 'Worker memory with a 100,000-job backlog',
  command: 'pnpm --filter @ghl-bridge/bench bench:memory',
  method: [
    'RSS of one worker process (`services/worker/src/main.ts`, concurrency 50, LOG_LEVEL=warn), read from',
    `/proc every 250 ms. Baseline: the same worker on empty queues for ${IDLE_S} s after it connected. Then`,
    `${fmt(JOBS)} AppointmentCreate \`webhook.process\` jobs are enqueued, paused, in a prefix of their own; the`,
    `worker is started, sampled ${IDLE_S} s with the queue paused (all jobs waiting), then ${DRAIN_S} s while it`,
    'works through the backlog (the rest is still waiting when it is stopped).',
  ].join(' '),
  tables: [
    markdownTable(
      ['Phase', 'max RSS MiB', 'last RSS MiB', 'ratio to idle (max)'],
      [
        ['idle worker, empty queues (baseline)', fmt(idle.max, 1), fmt(idle.last, 1), '1.00'],
        [
          `${fmt(JOBS)} waiting, queue paused`,
          fmt(paused.max, 1),
          fmt(paused.last, 1),
          fmt(paused.max / idle.max, 2),
        ],
        [
          `working through the backlog (${fmt(processed)} done in ${DRAIN_S} s)`,
          fmt(working.max, 1),
          fmt(working.last, 1),
          fmt(working.max / idle.max, 2),
        ],
      ],
    ),
  ],
  targets: [
    {
      what: `RSS < ${LIMIT_MB} MB with the backlog`,
      met: peak * 1.048576 < LIMIT_MB,
      detail: `${fmt(peak * 1.048576, 1)} MB (${fmt(peak, 1)} MiB) peak`,
    },
  ],
  svg: lineChart(
    'Worker RSS',
    [
      {
        label: 'idle (baseline)',
        color: '#888',
        points: idleCurve.map(([x, y]) => [x - (idleCurve[0]?.[0] ?? 0), y]),
      },
      { label: `${fmt(JOBS)} waiting: paused, then working`, color: '#1565c0', points: loadedCurve },
    ],
    'RSS MiB',
    LIMIT_MB / 1.048576,
  ),
});
