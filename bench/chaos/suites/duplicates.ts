import type { SuiteReport } from '../lib/report.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

/**
 * 10,000 signed webhooks, 30% of them delivered 2-5 times, shuffled, into one ingress and two
 * workers: proves dedup at the job id (ingress) and at webhook_events (worker) together give
 * one effect per event, with nothing accepted left unapplied.
 */
export function duplicates(events = 10_000): Promise<SuiteReport> {
  return runWebhookSuite({
    name: 'duplicates',
    title: 'duplicated and shuffled webhooks, two workers',
    events,
    send: { concurrency: 32 },
    settleMs: 120_000,
  });
}
