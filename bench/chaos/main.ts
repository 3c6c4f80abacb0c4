/**
 * Chaos suites: each starts its own Redis and PostgreSQL (ports 6390+/5440+, data under /tmp),
 * spawns ingress and workers against them, breaks something, and checks the guarantees.
 *
 *   pnpm chaos                      every suite, one after the other
 *   pnpm chaos duplicates ghl-faults  some of them
 *   pnpm chaos --fast               the quick ones (for CI; duplicates with 3,000 events, fuzz with 800)
 *   pnpm chaos --cluster            the cluster set on a local Redis Cluster: duplicates,
 *                                   kill-worker, pacing and failover (a master killed)
 *
 * Exit code 1 when a guarantee broke, 2 when a suite could not run at all.
 */
import { redisClusterUnavailable } from '@ghl-bridge/testing/redis-cluster';
import { passed, publish, type SuiteReport } from './lib/report.js';
import { clusterPacing } from './suites/cluster-pacing.js';
import { duplicates } from './suites/duplicates.js';
import { failover } from './suites/failover.js';
import { fuzz } from './suites/fuzz.js';
import { ghlFaults } from './suites/ghl-faults.js';
import { killWorker } from './suites/kill-worker.js';
import { postgresStop } from './suites/postgres-stop.js';
import { redisRestart } from './suites/redis-restart.js';

// CHAOS_SCALE shrinks the load for development runs (e.g. 0.1); the defaults are the real run.
const scale = Number(process.env.CHAOS_SCALE ?? '1');
const n = (full: number) => Math.max(20, Math.round(full * scale));

const fast = process.argv.includes('--fast');
const cluster = process.argv.includes('--cluster');
const singleRedis: Record<string, () => Promise<SuiteReport>> = {
  // --fast keeps CI under ~30 s a suite: 3,000 events still carry ~2,300 duplicate deliveries.
  duplicates: () => duplicates(n(fast ? 3_000 : 10_000)),
  'kill-worker': () => killWorker(n(4_000)),
  'redis-restart': () => redisRestart(n(3_000)),
  'postgres-stop': () => postgresStop(n(3_000)),
  'ghl-faults': () => ghlFaults(n(100)),
  // --fast: every route still gets requests, in about 15 s of the ~30 s budget.
  fuzz: () => (fast ? fuzz(n(800), { settleMs: 20_000 }) : fuzz(n(6_000))),
};
// The same guarantees with the same pass criteria on a local 3-master Redis Cluster, plus the
// fault only a cluster has: a master failed over to its replica under load.
const onCluster: Record<string, () => Promise<SuiteReport>> = {
  duplicates: () => duplicates(n(fast ? 3_000 : 10_000), { cluster: true }),
  'kill-worker': () => killWorker(n(4_000), { cluster: true }),
  pacing: () => clusterPacing(4),
  failover: () => failover(n(3_000)),
};
const suites = cluster ? onCluster : singleRedis;
const FAST = cluster ? ['duplicates', 'failover'] : ['duplicates', 'ghl-faults', 'fuzz'];
if (cluster && redisClusterUnavailable()) {
  console.error(`chaos --cluster skipped: ${redisClusterUnavailable()}`);
  process.exit(0);
}

const args = process.argv.slice(2).filter((a) => a !== '--');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
const selected = named.length > 0 ? named : fast ? FAST : Object.keys(suites);

let exitCode = 0;
const summary: string[] = [];
for (const name of selected) {
  const run = suites[name];
  if (!run) continue;
  try {
    const report = await run();
    // --fast runs (npm test, CI) are smaller than the published figures: they print, not write.
    publish(report, { write: !fast });
    if (!passed(report)) exitCode = Math.max(exitCode, 1);
    summary.push(`${passed(report) ? 'PASS' : 'FAIL'}  ${name} (${report.seconds.toFixed(0)} s)`);
  } catch (error) {
    console.error(`[chaos ${name}] could not run: ${(error as Error).stack ?? error}`);
    summary.push(`ERROR ${name}`);
    exitCode = 2;
  }
}
console.log(`\nchaos summary:\n  ${summary.join('\n  ')}`);
process.exit(exitCode);
