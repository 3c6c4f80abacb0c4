import type { SuiteReport } from '../lib/report.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

/**
 * 10,000 signed webhooks, 30% of them delivered 2-5 times, shuffled, into one ingress and two
 * workers: proves dedup at the job id (ingress) and at webhook_events (worker) together give
 * one effect per event, with nothing accepted left unapplied.
 */
export function duplicates(events = 10_000, { cluster = false } = {}): Promise<SuiteReport> {
  return runWebhookSuite({
    name: cluster ? 'cluster-duplicates' : 'duplicates',
    title: `duplicated and shuffled webhooks, two workers${cluster ? ', on a Redis Cluster' : ''}`,
    ...(cluster ? { cluster: { replicasPerMaster: 0 } } : {}),
    events,
    send: { concurrency: 32 },
    settleMs: 120_000,
  });
}
