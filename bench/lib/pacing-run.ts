import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import type { RunningSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { createRedis, deleteKeys, queuePrefix } from '@ghl-bridge/redis';
import { Queue, QueueEvents } from 'bullmq';
import { benchPrefix } from './bench-env.js';
import { repoRoot } from './child.js';

// The pacing proof, shared by `bench:pacing` (one Redis) and `pnpm chaos --cluster` (a Redis
// Cluster): three locations with backlogs and one quiet one, worked by N worker processes
// (packages/ghl/test/fixtures/pacing-worker.ts) against a sandbox whose GHL limit is scaled down.

/** GHL's limit in the sandbox, per location per second, and the share ghl-bridge allows itself. */
export const GHL_MAX = 20;
export const OUR_BURST = 18;
/** Seconds of steady state measured. */
export const MEASURE_S = 4;

export interface PacingRow {
  run: string;
  /** The quiet location first, then the three busy ones. */
  locations: string[];
  /** Share of OUR_BURST each busy location used. */
  used: number[];
  /** 429s GHL (the sandbox) answered. */
  rejected: number;
  /** How long the quiet location's one job took, ms. */
  quietMs: number;
  lateness: Lateness;
}

/** How late the workers' jobs claimed the budget slots held for them (cumulative buckets). */
export interface Lateness {
  claimed: number;
  within10ms: number;
  givenUp: number;
}

export interface PacingRunOptions {
  label: string;
  processes: number;
  /** GHL_RATE_LIMIT_BURST; a huge one leaves pacing to GHL's headers alone (the baseline). */
  burst: number;
  /** Started with `rateLimit: { max: GHL_MAX, intervalMs: 1000 }`. */
  sandbox: RunningSandbox;
  databaseUrl: string;
  db: Db;
  /** Where Redis is, as the services read it: REDIS_URL or REDIS_CLUSTER_NODES. */
  redisEnv: Record<string, string>;
}

export async function runPacing(options: PacingRunOptions): Promise<PacingRow> {
  const { sandbox, processes } = options;
  const prefix = benchPrefix();
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    ...options.redisEnv,
    QUEUE_PREFIX: prefix,
    GHL_API_BASE_URL: sandbox.url,
    GHL_CLIENT_ID: sandbox.clientId,
    GHL_CLIENT_SECRET: sandbox.clientSecret,
    GHL_RATE_LIMIT_BURST: String(options.burst),
    GHL_RATE_LIMIT_INTERVAL_MS: '1000',
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  const redis = createRedis(config.redis, 'command');
  const ghl = createGhl({
    config,
    db: options.db,
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
  const queue = new Queue('pacing', { connection: redis, prefix: queuePrefix(prefix, 'pacing') });
  const eventsConnection = createRedis(config.redis, 'worker');
  const events = new QueueEvents('pacing', {
    connection: eventsConnection,
    prefix: queuePrefix(prefix, 'pacing'),
  });
  await events.waitUntilReady();
  const workers: ChildProcessWithoutNullStreams[] = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'packages/ghl/test/fixtures/pacing-worker.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    }),
  );
  const lines = workers.map((w) => createInterface({ input: w.stdout })[Symbol.asyncIterator]());
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
    return {
      run: options.label,
      locations: locations.map((l) => l.id),
      used,
      rejected,
      quietMs,
      lateness: sumLateness(reports),
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await events.close();
    eventsConnection.disconnect();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
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

/** The pass criteria of the pacing proof: ≥ 95% of the budget, no 429, the quiet job under 1 s. */
export function pacingTargets(rows: PacingRow[]) {
  const pct = (u: number) => `${(u * 100).toFixed(0)}%`;
  return [
    {
      what: '≥ 95% of the budget used',
      met: rows.every((r) => r.used.every((u) => u >= 0.95)),
      detail: rows.map((r) => r.used.map(pct).join(' / ')).join('; '),
    },
    {
      what: 'zero 429s',
      met: rows.every((r) => r.rejected === 0),
      detail: rows.map((r) => r.rejected).join(', '),
    },
    {
      what: 'quiet location job under 1 s',
      met: rows.every((r) => r.quietMs < 1000),
      detail: rows.map((r) => `${r.quietMs.toFixed(0)} ms`).join(', '),
    },
  ];
}
