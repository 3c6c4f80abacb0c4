import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { startOwnRedis } from '../../lib/own-redis.js';
import { GHL_MAX, OUR_BURST, type PacingRow, pacingTargets, runPacing } from '../../lib/pacing-run.js';
import type { SuiteReport } from '../lib/report.js';
import { Stack } from '../lib/stack.js';

/**
 * The pacing proof on a Redis Cluster: three saturated locations and a quiet one, 4 worker
 * processes, GHL's limit scaled to 20/s in the sandbox. Each location's budget scripts run on
 * the shard its hash tag picks; the pass criteria are those of `bench:pacing` on one Redis.
 * The same run on one Redis of the suite's own, just before, is the baseline: on a shared
 * machine a miss that both show is the machine's load, one only the cluster shows is a finding.
 */
export async function clusterPacing(processes = 4): Promise<SuiteReport> {
  const started = Date.now();
  const sandbox = await startSandbox({ logLevel: 'error', rateLimit: { max: GHL_MAX, intervalMs: 1000 } });
  const stack = new Stack('cluster-pacing', {
    webhookPublicKey: sandbox.publicKeys.ed25519,
    cluster: { replicasPerMaster: 0 },
  });
  stack.cleanup.add('sandbox', () => sandbox.close());
  try {
    await stack.start();
    const { REDIS_CLUSTER_NODES = '', DATABASE_URL = '' } = stack.env;
    const run = (label: string, redisEnv: Record<string, string>) =>
      runPacing({
        label,
        processes,
        burst: OUR_BURST,
        sandbox,
        databaseUrl: DATABASE_URL,
        db: stack.database.db,
        redisEnv,
      });
    const single = await startOwnRedis();
    let baseline: PacingRow;
    try {
      baseline = await run('one Redis', { REDIS_URL: single.url });
    } finally {
      await single.stop();
    }
    const row = await run('Redis Cluster', { REDIS_CLUSTER_NODES });
    const shards = new Set(
      await Promise.all(row.locations.map((id) => stack.cluster?.masterOf(`{${id}}`) ?? Promise.resolve(0))),
    );
    return {
      name: 'cluster-pacing',
      title: `pacing: 3 saturated locations + 1 quiet, ${processes} worker processes, on a Redis Cluster`,
      figures: [
        ['budget used per busy location', row.used.map((u) => `${(u * 100).toFixed(0)}%`).join(' / ')],
        ['429s from GHL', row.rejected],
        ['quiet location job, ms', Math.round(row.quietMs)],
        ['held slots claimed', `${row.lateness.claimed}, ${row.lateness.within10ms} of them ≤ 10 ms late`],
        ['held slots given up', row.lateness.givenUp],
        ['shards holding the 4 locations', shards.size],
        [
          'one Redis, same run: budget used',
          baseline.used.map((u) => `${(u * 100).toFixed(0)}%`).join(' / '),
        ],
        [
          'one Redis, same run: 429s / quiet job ms',
          `${baseline.rejected} / ${Math.round(baseline.quietMs)}`,
        ],
        ['one Redis, same run: held slots given up', baseline.lateness.givenUp],
      ],
      checks: pacingTargets([row]).map((t) => ({ guarantee: t.what, ok: t.met, detail: t.detail })),
      notes: [
        `GHL limit scaled to ${GHL_MAX}/s per location; ghl-bridge allows itself ${OUR_BURST}/s.`,
        'The checks are on the cluster run; the one-Redis run just before it is the baseline under the same machine load.',
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stack.close();
  }
}
