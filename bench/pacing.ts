/**
 * Pacing: three locations with backlogs and one quiet location, on a sandbox whose limit is
 * scaled down to 20 requests per second per location, worked by 2 and then 4 worker processes.
 * Measures the share of ghl-bridge's budget (18/s, 90% of GHL's) each busy location used, the
 * 429s GHL answered, and how long one job for the quiet location waited. Baseline in the same
 * run: the same workers with no configured budget, pacing only on what GHL's X-RateLimit-*
 * headers and 429s teach them.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:pacing
 */
import { createDatabase } from '@ghl-bridge/db';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { benchDatabase, dropBenchDatabase, REDIS_URL } from './lib/bench-env.js';
import { GHL_MAX, MEASURE_S, OUR_BURST, type PacingRow, pacingTargets, runPacing } from './lib/pacing-run.js';
import { fmt, markdownTable, publish } from './lib/report.js';

const sandbox = await startSandbox({ rateLimit: { max: GHL_MAX, intervalMs: 1000 } });
const databaseUrl = await benchDatabase('pacing');
const database = createDatabase({ url: databaseUrl, poolSize: 2 });
const run = (label: string, processes: number, burst: number) =>
  runPacing({ label, processes, burst, sandbox, databaseUrl, db: database.db, redisEnv: { REDIS_URL } });

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

const rows: PacingRow[] = [];
try {
  rows.push(await run('GHL headers only, no configured budget (baseline), 2 processes', 2, 1_000_000));
  rows.push(await run('ghl-bridge, 2 processes', 2, OUR_BURST));
  rows.push(await run('ghl-bridge, 4 processes', 4, OUR_BURST));
} finally {
  await database.close();
  await dropBenchDatabase(databaseUrl);
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
  targets: pacingTargets(ours),
});
