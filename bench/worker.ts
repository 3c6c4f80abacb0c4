/**
 * Worker throughput: 20,000 `webhook.process` jobs, 30 % of them repeat deliveries of an event
 * already in the batch, applied to Postgres by one worker process and then by two
 * (services/worker/src/main.ts); in the same run a BullMQ no-op worker process drains the same
 * jobs at the same concurrency as the baseline. Afterwards every distinct event must have exactly
 * one webhook_events row and one cita. Run alone: pnpm --filter @ghl-bridge/bench bench:worker
 */
import { cpus } from 'node:os';
import postgres from 'postgres';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  newRedis,
  REDIS_URL,
} from './lib/bench-env.js';
import { type Child, spawnTs } from './lib/child.js';
import { type Drained, drain, fillPaused, webhookJobs } from './lib/drain.js';
import { fmt, markdownTable, publish } from './lib/report.js';

const TOTAL = Number(process.env.BENCH_WORKER_JOBS ?? 20_000);
// ghl-bridge's default WEBHOOK_CONCURRENCY; the no-op baseline gets the same.
const CONCURRENCY = 400;
const { jobs, distinct: DISTINCT } = webhookJobs(TOTAL);

interface Row extends Drained {
  name: string;
  rows?: number;
  distinctRows?: number;
  citas?: number;
  unfinished?: number;
}

const redis = newRedis();
const databaseUrl = await benchDatabase('worker');
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const rows: Row[] = [];

async function phase(name: string, spawn: (prefix: string) => Child[], workers: number): Promise<Drained> {
  const prefix = benchPrefix();
  try {
    const queue = await fillPaused(redis, prefix, jobs);
    const drained = await drain(redis, queue, workers, TOTAL, spawn(prefix));
    await queue.close();
    console.log(`${name}: ${fmt(drained.perSecond)} jobs/s`);
    return drained;
  } finally {
    await deleteKeys(redis, prefix);
  }
}

const workerEnv = (prefix: string) => ({
  NODE_ENV: 'development',
  // warn: a JSON line per job would be measured as well (and the baseline logs nothing).
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  WORKER_METRICS_PORT: '0',
});

try {
  rows.push({
    name: 'BullMQ no-op, 1 process (baseline)',
    ...(await phase('no-op', (p) => [spawnTs('noop', 'bench/lib/noop-worker.ts', workerEnv(p))], 1)),
  });
  for (const processes of [1, 2]) {
    await sql`truncate webhook_events, citas, cita_changes, ghl_contacts cascade`;
    // The patients, as GHL's ContactCreate webhooks would have brought them before their
    // appointments: the appointments name known contacts, as they do in a running clinic.
    await sql`
      insert into ghl_contacts (id, location_id, name, email, phone, data, last_event_at)
      select 'contact-' || i, 'bench-loc', 'Patient ' || i, 'p' || i || '@example.com', '+5190000' || i,
             '{}'::jsonb, now() - interval '1 day'
      from generate_series(0, ${DISTINCT - 1}) as i`;
    const drained = await phase(
      `${processes} worker(s)`,
      (p) =>
        Array.from({ length: processes }, (_, i) =>
          spawnTs(`worker-${i}`, 'services/worker/src/main.ts', workerEnv(p)),
        ),
      processes,
    );
    const [check] = await sql<{ rows: number; distinct: number; unfinished: number; citas: number }[]>`
      select count(*)::int as rows, count(distinct webhook_id)::int as distinct,
             count(*) filter (where status not in ('processed', 'ignored'))::int as unfinished,
             (select count(*)::int from citas) as citas
      from webhook_events`;
    rows.push({
      name: `ghl-bridge worker, ${processes} process${processes > 1 ? 'es' : ''}`,
      ...drained,
      rows: check?.rows ?? 0,
      distinctRows: check?.distinct ?? 0,
      citas: check?.citas ?? 0,
      unfinished: check?.unfinished ?? 0,
    });
  }
} finally {
  await sql.end();
  redis.disconnect();
  await dropBenchDatabase(databaseUrl);
}

const [noop, one, two] = rows as [Row, Row, Row];
const exact = (r: Row) =>
  r.rows === DISTINCT &&
  r.distinctRows === DISTINCT &&
  r.citas === DISTINCT &&
  r.unfinished === 0 &&
  r.failed === 0;
await publish({
  name: 'worker',
  title: 'Worker: webhook events applied per second',
  command: 'pnpm --filter @ghl-bridge/bench bench:worker',
  method: [
    `${fmt(TOTAL)} \`webhook.process\` jobs (${fmt(DISTINCT)} distinct AppointmentCreate events plus`,
    `${fmt(TOTAL - DISTINCT)} repeat deliveries with the same webhookId and body, shuffled) enqueued directly,`,
    'in the payload ingress stores (signatures are checked at ingress; the ingress bench covers that), into a',
    'paused queue; the queue is resumed once every process is connected. Rate = jobs / (last finish − first',
    `finish), from BullMQ's completed set. Concurrency ${CONCURRENCY} per process, LOG_LEVEL=warn.`,
  ].join(' '),
  tables: [
    markdownTable(
      [
        'Run',
        'jobs/s',
        'ratio to no-op',
        'seconds',
        'machine CPU busy',
        'worker cores',
        'completed',
        'failed',
        'event rows',
        'citas',
      ],
      rows.map((r) => [
        r.name,
        fmt(r.perSecond),
        fmt(r.perSecond / noop.perSecond, 2),
        fmt(r.seconds, 1),
        `${fmt(r.machineBusy * 100)}%`,
        fmt(r.workerCores, 2),
        fmt(r.jobs),
        r.failed,
        r.rows === undefined ? '–' : fmt(r.rows),
        r.citas === undefined ? '–' : fmt(r.citas),
      ]),
    ),
    `Two processes / one: **${fmt(two.perSecond / one.perSecond, 2)} ×**`,
    [
      `Machine CPU busy = share of all ${cpus().length} cores in use while the jobs drained (worker, Redis,`,
      'PostgreSQL and this bench share them); worker cores = CPU time of the worker processes per',
      'second of draining. A second process can only add what the first leaves free.',
    ].join(' '),
  ],
  targets: [
    { what: '≥ 2,500 events/s, one process', met: one.perSecond >= 2500, detail: fmt(one.perSecond) },
    {
      what: 'two processes ≥ 1.7 × one',
      met: two.perSecond >= 1.7 * one.perSecond,
      detail: `${fmt(two.perSecond / one.perSecond, 2)} × (machine CPU ${fmt(one.machineBusy * 100)}% busy with one process)`,
    },
    {
      what: `exactly one row and one cita per distinct event (${fmt(DISTINCT)}), none lost or failed`,
      met: exact(one) && exact(two),
      detail: `1 process: ${one.rows}/${one.citas}; 2: ${two.rows}/${two.citas}; unfinished ${one.unfinished}/${two.unfinished}`,
    },
  ],
});
