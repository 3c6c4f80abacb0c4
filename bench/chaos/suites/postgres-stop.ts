import { jobStats } from '../lib/job-stats.js';
import type { SuiteReport } from '../lib/report.js';
import { CHAOS_PREFIX } from '../lib/stack.js';
import { sleep } from '../lib/wait.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

// webhook.process: 8 attempts, exponential backoff from 1 s, jitter 0.5 (packages/jobs).
// BullMQ waits 2^(n-1) s after failed attempt n, jitter drawing it from [half, full]: the seven
// waits before the last attempt add up to 63.5-127 s, so a 30 s outage is covered twice over.
const ATTEMPTS = 8;
const BACKOFF_MS = 1_000;
const minSpanMs = Array.from({ length: ATTEMPTS - 1 }, (_, n) => 2 ** n * BACKOFF_MS * 0.5).reduce(
  (a, b) => a + b,
);

/**
 * The suite's own PostgreSQL is stopped (fast: sessions cut) for 30 s in the middle of a webhook
 * stream. Ingress keeps accepting (it needs only Redis for webhooks); the workers' jobs fail and
 * retry with backoff, and once PostgreSQL is back every accepted event must be applied, once.
 */
export function postgresStop(events = 3_000, downMs = 30_000): Promise<SuiteReport> {
  const perSecond = 200;
  return runWebhookSuite({
    name: 'postgres-stop',
    title: `PostgreSQL stopped for ${downMs / 1000} s under webhook load`,
    events,
    send: { concurrency: 32, perSecond, retry429: true },
    // The slowest job may sit in its longest backoff (up to 64 s) when PostgreSQL returns.
    settleMs: 180_000,
    fault: async ({ stack }) => {
      const streamMs = ((events * 1.6) / perSecond) * 1000;
      await sleep(streamMs * 0.2);
      await stack.postgres.stop();
      const stoppedAt = Date.now();
      await sleep(downMs);
      await stack.postgres.restart();
      return {
        notes: [
          `PostgreSQL stopped at ~20% of the stream for ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s (pg_ctl stop -m fast, then start).`,
          `Retry budget: ${ATTEMPTS} attempts, exponential from ${BACKOFF_MS / 1000} s with jitter 0.5: the last attempt comes ${minSpanMs / 1000}-${minSpanMs / 500} s after the first failure, which covers a ${downMs / 1000} s outage.`,
        ],
      };
    },
    after: async ({ stack }) => {
      const stats = await jobStats(stack.redisSettings, CHAOS_PREFIX, 'webhooks');
      return {
        checks: [
          {
            guarantee: `retries span the outage (min backoff span ${minSpanMs / 1000} s > ${downMs / 1000} s)`,
            ok: minSpanMs > downMs && stats.failedForGood === 0,
            detail: `${stats.failedAttempts} failed attempts retried, max attemptsMade ${stats.maxAttemptsMade} of ${ATTEMPTS}, ${stats.failedForGood} failed for good`,
          },
          {
            guarantee: 'the outage hit jobs (the test bites)',
            ok: stats.failedAttempts > 0,
            detail: `${stats.restarted} jobs started more than once`,
          },
        ],
      };
    },
  });
}
