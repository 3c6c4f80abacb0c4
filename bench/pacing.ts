/**
 * Pacing: three locations with backlogs and one quiet location, on a sandbox whose limit is
 * scaled down to 20 requests per second per location, worked by 2 and then 4 worker processes.
 * Measures the share of ghl-bridge's budget (18/s, 90% of GHL's) each busy location used, the
 * 429s GHL answered, and how long one job for the quiet location waited. Baseline in the same
 * run: the same workers with no configured budget, pacing only on what GHL's X-RateLimit-*
 * headers and 429s teach them.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:pacing
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { Queue, QueueEvents } from 'bullmq';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  newRedis,
  sandboxEnv,
} from './lib/bench-env.js';
import { repoRoot } from './lib/child.js';
import { fmt, markdownTable, publish } from './lib/report.js';

const GHL_MAX = 20;
const OUR_BURST = 18;
const MEASURE_S = 4;
const sandbox = await startSandbox({ rateLimit: { max: GHL_MAX, intervalMs: 1000 } });
const redis = newRedis();
const databaseUrl = await benchDatabase('pacing');
const database = createDatabase({ url: databaseUrl, poolSize: 2 });

interface Row {
  run: string;
  used: number[];
  rejected: number;
  quietMs: number;
  lateness: Lateness;
}

/** How late the workers' jobs claimed the budget slots held for them (cumulative buckets). */
interface Lateness {
  claimed: number;
  within10ms: number;
  givenUp: number;
}

async function run(label: string, processes: number, burst: number): Promise<Row> {
  const prefix = benchPrefix();
  const env = sandboxEnv(sandbox, databaseUrl, prefix, {
    GHL_RATE_LIMIT_BURST: String(burst),
    GHL_RATE_LIMIT_INTERVAL_MS: '1000',
    LOG_LEVEL: 'silent',
  });
  const config = loadConfig(env);
  const ghl = createGhl({
    config,
    db: database.db,
    redis,
    log: createLogger({ name: 'b', level: 'silent' }),
    metrics: createMetrics().ghl,
  });
  const locations: Array<{ id: string; calendarId: string }> = [];
  for (let i = 0; i < 4; i++) {
    const seeded = await sandbox.admin.seed({ locations: [{ mintTokens: true }] });
    const location = seeded.locations[0];
    if (!location?.tokens) throw new Error('no tokens');
    const calendarId =
      (await sandbox.admin.seed({ calendars: [{ locationId: location.id }] })).calendars[0] ?? '';
    await ghl.store.save({
      resourceId: location.id,
      userType: 'Location',
      accessToken: location.tokens.access_token,
      refreshToken: location.tokens.refresh_token,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    locations.push({ id: location.id, calendarId });
  }
  const [quiet, ...busy] = locations as [
    { id: string; calendarId: string },
    ...Array<{ id: string; calendarId: string }>,
  ];
  const queue = new Queue('pacing', { connection: redis, prefix });
  const eventsConnection = newRedis({ worker: true });
  const events = new QueueEvents('pacing', { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  const workers: ChildProcessWithoutNullStreams[] = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'packages/ghl/test/fixtures/pacing-worker.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    }),
  );
  const lines = workers.map((w) => createInterface({ input: w.stdout })[Symbol.asyncIterator]());
  let lateness: Lateness = { claimed: 0, within10ms: 0, givenUp: 0 };
  try {
    for (const line of lines) await line.next();
    await sandbox.admin.resetInspection();
    const rejectedBefore = await sandbox.admin.counter('rateLimit.rejected');
    await queue.addBulk(
      busy.flatMap((l) =>
        Array.from({ length: GHL_MAX * (MEASURE_S + 3) }, () => ({
          name: 'call',
          data: { locationId: l.id, calendarId: l.calendarId },
          opts: { attempts: 5, removeOnComplete: true },
        })),
      ),
    );
    await sleep(1500);
    const quietJob = await queue.add(
      'call',
      { locationId: quiet.id, calendarId: quiet.calendarId },
      { attempts: 5 },
    );
    const quietStarted = performance.now();
    await quietJob.waitUntilFinished(events, 30_000);
    const quietMs = performance.now() - quietStarted;
    await sleep(MEASURE_S * 1000);
    const requests = await sandbox.admin.requests();
    const used = busy.map((l) => {
      const times = requests
        .filter((r) => r.resourceId === l.id && r.statusCode === 200)
        .map((r) => Date.parse(r.at));
      const first = Math.min(...times);
      return (
        times.filter((t) => t >= first + 1000 && t < first + 1000 + MEASURE_S * 1000).length /
        (OUR_BURST * MEASURE_S)
      );
    });
    const rejected = (await sandbox.admin.counter('rateLimit.rejected')) - rejectedBefore;
    for (const w of workers) w.kill('SIGTERM');
    const reports = await Promise.all(lines.map(async (line) => (await line.next()).value));
    lateness = sumLateness(reports);
    return { run: label, used, rejected, quietMs, lateness };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await events.close();
    eventsConnection.disconnect();
    await deleteKeys(redis, prefix);
  }
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

function sumLateness(reports: Array<string | undefined>): Lateness {
  const total: Lateness = { claimed: 0, within10ms: 0, givenUp: 0 };
  for (const report of reports) {
    const pairs: Array<[number | string, number]> = report ? JSON.parse(report).lateness : [];
    const buckets = new Map(pairs.map(([le, count]) => [String(le), count]));
    const all = buckets.get('+Inf') ?? 0;
    total.claimed += buckets.get('0.1') ?? 0; // a tenth of the 1 s window: later is given up
    total.within10ms += buckets.get('0.01') ?? 0;
    total.givenUp += all - (buckets.get('0.1') ?? 0);
  }
  return total;
}

const rows: Row[] = [];
try {
  rows.push(await run('GHL headers only, no configured budget (baseline), 2 processes', 2, 1_000_000));
  rows.push(await run('ghl-bridge, 2 processes', 2, OUR_BURST));
  rows.push(await run('ghl-bridge, 4 processes', 4, OUR_BURST));
} finally {
  await database.close();
  await dropBenchDatabase(databaseUrl);
  redis.disconnect();
  await sandbox.close();
}

const ours = rows.slice(1);
await publish({
  name: 'pacing',
  title: 'Pacing: per-location budgets across worker processes',
  command: 'pnpm --filter @ghl-bridge/bench bench:pacing',
  method: `Sandbox limit scaled to ${GHL_MAX} requests/s per location; ghl-bridge allows itself ${OUR_BURST}/s (90%). Three locations get a backlog of GHL calls (BullMQ jobs through runGhlJob, 20 concurrent per process); after 1.5 s one job for a fourth, quiet location is added and timed to completion. Budget used = calls GHL accepted per busy location over ${MEASURE_S} s of steady state, divided by ${OUR_BURST}/s. The baseline runs the same workers with no configured budget: they learn GHL's limit from its X-RateLimit-* headers and 429s alone, so the first window can overshoot. A job turned away by the budget is delayed to a slot held for it; the last columns say how late jobs woke to claim theirs.`,
  tables: [
    markdownTable(
      [
        'Run',
        'budget used per busy location',
        '429s from GHL',
        'quiet location job, ms',
        'held slots claimed (≤ 10 ms late)',
        'held slots given up (> 100 ms late)',
      ],
      rows.map((r) => [
        r.run,
        r.used.map((u) => `${fmt(u * 100)}%`).join(' / '),
        r.rejected,
        fmt(r.quietMs),
        `${r.lateness.claimed} (${fmt(percent(r.lateness.within10ms, r.lateness.claimed))}%)`,
        r.lateness.givenUp,
      ]),
    ),
  ],
  targets: [
    {
      what: '≥ 95% of the budget used',
      met: ours.every((r) => r.used.every((u) => u >= 0.95)),
      detail: ours.map((r) => r.used.map((u) => `${fmt(u * 100)}%`).join(' / ')).join('; '),
    },
    {
      what: 'zero 429s',
      met: ours.every((r) => r.rejected === 0),
      detail: ours.map((r) => r.rejected).join(', '),
    },
    {
      what: 'quiet location job under 1 s',
      met: ours.every((r) => r.quietMs < 1000),
      detail: ours.map((r) => `${fmt(r.quietMs)} ms`).join(', '),
    },
  ],
});
