/**
 * Worker throughput on one Redis and on a Redis Cluster, in the same run: 20,000
 * `webhook.process` jobs (30% repeat deliveries) applied by 1, 2 and 4 worker processes
 * (services/worker/src/main.ts), once against a Redis of the bench's own and once against a
 * local 3-master cluster (REDIS_CLUSTER_NODES), the two interleaved so drift in the machine's
 * load hits both alike. Reports the CPU each worker process and each Redis node used while the
 * jobs drained (from /proc/<pid>/stat), so the figures read correctly on a small machine.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:cluster
 */
import { cpus } from 'node:os';
import { LocalRedisCluster, redisClusterUnavailable } from '@ghl-bridge/testing/redis-cluster';
import postgres from 'postgres';
import { benchDatabase, benchPrefix, deleteKeys, dropBenchDatabase, newRedis } from './lib/bench-env.js';
import { cpuSecondsOf, spawnTs } from './lib/child.js';
import { type Drained, drain, fillPaused, type Watched, webhookJobs } from './lib/drain.js';
import { type OwnRedis, startOwnRedis } from './lib/own-redis.js';
import { fmt, markdownTable, publish } from './lib/report.js';

const TOTAL = Number(process.env.BENCH_CLUSTER_JOBS ?? 20_000);
const PROCESSES = [1, 2, 4];
// ghl-bridge's default WEBHOOK_CONCURRENCY.
const CONCURRENCY = 400;

const unavailable = redisClusterUnavailable();
if (unavailable) {
  console.log(`bench:cluster skipped: ${unavailable}`);
  process.exit(0);
}

interface Topology {
  name: string;
  env: Record<string, string>;
  settings: Parameters<typeof newRedis>[1];
  /** The Redis server processes, to read their CPU time. */
  servers: Watched[];
}

interface Row extends Drained {
  topology: string;
  processes: number;
  exact: boolean;
  check: string;
}

const { jobs, distinct } = webhookJobs(TOTAL);
const databaseUrl = await benchDatabase('cluster');
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
let single: OwnRedis | undefined;
let cluster: LocalRedisCluster | undefined;
const rows: Row[] = [];

async function phase(topology: Topology, processes: number): Promise<Row> {
  await sql`truncate webhook_events, citas cascade`;
  const prefix = benchPrefix();
  const redis = newRedis({}, topology.settings);
  try {
    const queue = await fillPaused(redis, prefix, jobs);
    const workers = Array.from({ length: processes }, (_, i) =>
      spawnTs(`worker-${i + 1}`, 'services/worker/src/main.ts', {
        NODE_ENV: 'development',
        // warn: a JSON line per job would be measured as well.
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        ...topology.env,
        QUEUE_PREFIX: prefix,
        WEBHOOK_CONCURRENCY: String(CONCURRENCY),
        WORKER_METRICS_PORT: '0',
        // Nothing but the webhooks queue should be measured.
        RECONCILE_EVERY_MINUTES: '1440',
      }),
    );
    const drained = await drain(redis, queue, processes, TOTAL, workers, topology.servers);
    await queue.close();
    const [check] = await sql<{ rows: number; distinct: number; unfinished: number; citas: number }[]>`
      select count(*)::int as rows, count(distinct webhook_id)::int as distinct,
             count(*) filter (where status not in ('processed', 'ignored'))::int as unfinished,
             (select count(*)::int from citas) as citas
      from webhook_events`;
    const exact =
      check?.rows === distinct &&
      check.distinct === distinct &&
      check.citas === distinct &&
      check.unfinished === 0 &&
      drained.failed === 0;
    console.log(`${topology.name}, ${processes} process(es): ${fmt(drained.perSecond)} jobs/s`);
    return {
      ...drained,
      topology: topology.name,
      processes,
      exact,
      check: `${check?.rows}/${check?.citas}`,
    };
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}

try {
  single = await startOwnRedis();
  cluster = await LocalRedisCluster.start({ masters: 3 });
  const topologies: Topology[] = [
    {
      name: 'one Redis',
      env: { REDIS_URL: single.url },
      settings: { url: single.url, tls: false },
      servers: [{ name: 'redis', cpuSeconds: single.cpuSeconds }],
    },
    {
      name: 'Redis Cluster, 3 masters',
      env: { REDIS_CLUSTER_NODES: cluster.nodesVariable },
      settings: cluster.settings,
      servers: cluster.ports.map((port) => ({
        name: `redis :${port}`,
        cpuSeconds: () => cpuSecondsOf(cluster?.pid(port) ?? -1),
      })),
    },
  ];
  for (const processes of PROCESSES) {
    for (const topology of topologies) rows.push(await phase(topology, processes));
  }
} finally {
  await sql.end();
  await dropBenchDatabase(databaseUrl);
  await cluster?.stop();
  await single?.stop();
}

const cores = (row: Row, prefix: string) =>
  row.processCores
    .filter((p) => p.name.startsWith(prefix))
    .map((p) => fmt(p.cores, 2))
    .join(' / ');
const singleOf = (row: Row) => rows.find((r) => r.topology === 'one Redis' && r.processes === row.processes);

await publish({
  name: 'cluster',
  title: 'Worker throughput: one Redis and a Redis Cluster, 1, 2 and 4 processes',
  command: 'pnpm --filter @ghl-bridge/bench bench:cluster',
  method: [
    `${fmt(TOTAL)} \`webhook.process\` jobs (${fmt(distinct)} distinct AppointmentCreate events plus repeat`,
    'deliveries, shuffled) enqueued paused, then drained by 1, 2 and 4 worker processes; each process',
    `count against a Redis of the bench's own and against a local 3-master Redis Cluster (no replicas,`,
    'no persistence on either), interleaved. Rate = jobs / (last finish − first finish), from BullMQ’s',
    `completed set. Concurrency ${CONCURRENCY} per process, LOG_LEVEL=warn, PostgreSQL shared. CPU figures`,
    'are cores used while the jobs drained (CPU seconds / wall seconds, from /proc/<pid>/stat).',
  ].join(' '),
  tables: [
    markdownTable(
      [
        'Redis',
        'worker processes',
        'jobs/s',
        'vs one Redis',
        'machine CPU busy',
        'cores per worker process',
        'cores per Redis node',
        'rows / citas',
      ],
      rows.map((r) => [
        r.topology,
        r.processes,
        fmt(r.perSecond),
        fmt(r.perSecond / (singleOf(r)?.perSecond ?? Number.NaN), 2),
        `${fmt(r.machineBusy * 100)}%`,
        cores(r, 'worker'),
        cores(r, 'redis'),
        r.check,
      ]),
    ),
    [
      `The webhooks queue lives on one shard (its hash tag), so one shard's node does the queue's`,
      'work while the others idle: a cluster spreads the queues and the GHL locations over its shards,',
      `not one queue. On this ${cpus().length}-core machine the worker processes, PostgreSQL, Redis and`,
      'the bench share the cores: more processes add what the machine has left, no more.',
    ].join(' '),
  ],
  targets: [
    {
      what: `exactly one row and one cita per distinct event (${fmt(distinct)}) in every run, none failed`,
      met: rows.every((r) => r.exact),
      detail: rows.map((r) => `${r.topology.split(',')[0]} ×${r.processes}: ${r.check}`).join('; '),
    },
  ],
});
