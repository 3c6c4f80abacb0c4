import { queuePrefix } from '@ghl-bridge/redis';
import type { SuiteReport } from '../lib/report.js';
import { formatStatuses } from '../lib/sender.js';
import { CHAOS_PREFIX } from '../lib/stack.js';
import { sleep } from '../lib/wait.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

/**
 * The fault one Redis cannot show: on a Redis Cluster of 3 masters with a replica each, the
 * master holding the `webhooks` queue is killed (-9: no shutdown, no last replication flush) in
 * the middle of a webhook stream. Its replica takes over after cluster-node-timeout (2 s) and an
 * election; the killed node is then started again, as a process manager would, and rejoins as
 * the new master's replica. Ingress must answer only 200 or 429 throughout (GHL retries 429), and
 * every event answered 200 must be applied: with REDIS_ACK_REPLICAS=1 a job counts as stored
 * only once a replica holds it, so the replica that takes over has every accepted job.
 */
export function failover(events = 3_000): Promise<SuiteReport> {
  const perSecond = 250;
  let phase = 'before';
  const timings: string[] = [];
  return runWebhookSuite({
    name: 'cluster-failover',
    title: 'a Redis Cluster master killed and failed over under webhook load',
    events,
    cluster: { replicasPerMaster: 1 },
    send: { concurrency: 32, perSecond, retry429: true, retryDelayMs: 1_000, phase: () => phase },
    // Jobs active on the dead master come back through the stalled check (up to ~60 s).
    settleMs: 150_000,
    fault: async ({ stack }) => {
      const cluster = stack.cluster;
      if (!cluster) throw new Error('the failover suite needs a cluster');
      const streamMs = ((events * 1.6) / perSecond) * 1000;
      await sleep(streamMs * 0.3);
      const webhooksKey = `${queuePrefix(CHAOS_PREFIX, 'webhooks')}:webhooks:wait`;
      const victim = await cluster.masterOf(webhooksKey);
      const killedAt = Date.now();
      phase = 'master killed';
      await cluster.kill(victim);
      await cluster.waitForFailover(victim);
      const promotedAt = Date.now();
      phase = 'promoted, no replica yet';
      await cluster.restart(victim);
      await cluster.waitUntilHealthy();
      phase = 'after';
      const heir = await cluster.masterOf(webhooksKey);
      timings.push(
        `kill -9 of master :${victim} (it held the webhooks queue) at ~30% of the stream; replica :${heir} promoted after ${((promotedAt - killedAt) / 1000).toFixed(1)} s; the killed node restarted and back in sync as its replica ${((Date.now() - promotedAt) / 1000).toFixed(1)} s later`,
      );
      return { notes: timings };
    },
    after: async ({ sent }) => {
      const during = ['master killed', 'promoted, no replica yet'].map(
        (p) => sent.statuses.get(p) ?? new Map<string, number>(),
      );
      const answers = during.flatMap((m) => [...m.entries()]);
      const total = answers.reduce((sum, [, n]) => sum + n, 0);
      const refused = answers.filter(([status]) => status === '429').reduce((sum, [, n]) => sum + n, 0);
      return {
        checks: [
          {
            guarantee: 'the fault bit: webhooks were turned away (429) while their master was gone',
            ok: refused > 0,
            detail: `${total} answers during the failover: ${during.map((m) => formatStatuses(m)).join(' then ')}`,
          },
        ],
        notes: [
          'REDIS_ACK_REPLICAS=1: a job counts as stored once a replica holds it (Redis WAIT), so the promoted replica has every job answered 200. Without a replica in sync (between the promotion and the old master rejoining) webhooks are answered 429, and GHL retries.',
        ],
      };
    },
  });
}
