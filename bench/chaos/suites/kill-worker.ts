import { jobStats } from '../lib/job-stats.js';
import { killHard } from '../lib/processes.js';
import type { SuiteReport } from '../lib/report.js';
import { CHAOS_PREFIX } from '../lib/stack.js';
import { sleep } from '../lib/wait.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

/**
 * kill -9 of a worker in the middle of a webhook stream while the other keeps going, then the
 * same to the other one; each killed worker is restarted. Their in-flight jobs are abandoned
 * mid-transaction: BullMQ's stalled check (30 s lock) hands them to a live worker, and
 * webhook_events keeps each effect single.
 */
export function killWorker(events = 4_000, { cluster = false } = {}): Promise<SuiteReport> {
  const perSecond = 300;
  return runWebhookSuite({
    name: cluster ? 'cluster-kill-worker' : 'kill-worker',
    title: `kill -9 of a worker under webhook load${cluster ? ', on a Redis Cluster' : ''}`,
    ...(cluster ? { cluster: { replicasPerMaster: 0 } } : {}),
    events,
    send: { concurrency: 32, perSecond },
    // A stalled job waits for its lock to expire (30 s) and then the next stalled check (30 s).
    settleMs: 150_000,
    fault: async ({ stack, workers }) => {
      const notes: string[] = [];
      const started = Date.now();
      // About 1.6 deliveries per event (30% sent 2-5 times): kill at ~30% and ~65% of the stream.
      const streamMs = ((events * 1.6) / perSecond) * 1000;
      for (const [i, share] of [0.3, 0.65].entries()) {
        await sleep(Math.max(0, started + streamMs * share - Date.now()));
        const victim = workers[i];
        if (!victim) continue;
        const [row] = await stack.database.sql<{ n: number }[]>`
          select count(*)::int as n from webhook_events where status = 'processed'`;
        stack.killedOnPurpose.add(victim);
        await killHard(victim);
        notes.push(
          `kill -9 ${victim.name} at ${Math.round(share * 100)}% of the stream (${row?.n} applied so far)`,
        );
        await sleep(1_000);
        await stack.startWorker(`${victim.name}-restarted`);
      }
      return { notes };
    },
    after: async ({ stack }) => {
      const stats = await jobStats(stack.redisSettings, CHAOS_PREFIX, 'webhooks');
      return {
        checks: [
          {
            guarantee: 'killed workers had jobs in flight (the test bites)',
            ok: stats.stalled > 0 || stats.restarted > 0,
            detail: `${stats.stalled} jobs recovered as stalled, ${stats.restarted} started more than once`,
          },
        ],
        notes: [
          `${stats.failedForGood} webhook jobs failed for good; max attemptsMade ${stats.maxAttemptsMade}`,
        ],
      };
    },
  });
}
