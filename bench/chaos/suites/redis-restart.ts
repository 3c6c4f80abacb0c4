import type { SuiteReport } from '../lib/report.js';
import { formatStatuses } from '../lib/sender.js';
import { sleep } from '../lib/wait.js';
import { runWebhookSuite } from '../lib/webhook-suite.js';

/**
 * The suite's own Redis is stopped (SIGTERM: AOF fsynced, as SHUTDOWN does) in the middle of a
 * webhook stream and started again on the same data dir 10 s later. Ingress must answer 429
 * while it cannot store a job (GHL retries only 429), never a 2xx for a job Redis does not have;
 * the sender retries 429s as GHL would, and every event that got its 200 must be applied.
 */
export function redisRestart(events = 3_000): Promise<SuiteReport> {
  const perSecond = 250;
  const downMs = 10_000;
  let phase = 'before';
  return runWebhookSuite({
    name: 'redis-restart',
    title: 'Redis stopped and restarted under webhook load',
    events,
    send: { concurrency: 32, perSecond, retry429: true, retryDelayMs: 1_000, phase: () => phase },
    // Jobs active when Redis went away come back through the stalled check (up to ~60 s).
    settleMs: 150_000,
    fault: async ({ stack }) => {
      const streamMs = ((events * 1.6) / perSecond) * 1000;
      await sleep(streamMs * 0.3);
      phase = 'stopping';
      await stack.redis.stop();
      // Answers racing the stop may carry a job stored a moment before: "down" starts once it is gone.
      await sleep(200);
      phase = 'redis down';
      await sleep(downMs);
      phase = 'restarting';
      await stack.redis.restart();
      phase = 'after';
      return {
        notes: [
          `Redis stopped at ~30% of the stream for ${downMs / 1000} s, restarted on the same AOF (appendonly yes, appendfsync everysec).`,
          'Deployment requirement: Redis must persist (appendonly yes, or SHUTDOWN with save); without it every job accepted before a restart is gone although its webhook was answered 200.',
        ],
      };
    },
    after: async ({ sent }) => {
      const down = sent.statuses.get('redis down') ?? new Map<string, number>();
      const answers = [...down.values()].reduce((a, b) => a + b, 0);
      return {
        checks: [
          {
            guarantee: 'while Redis is down only 429 (no 2xx without a stored job)',
            ok: answers > 0 && [...down.keys()].every((status) => status === '429'),
            detail: `${answers} answers while down: ${formatStatuses(down)}`,
          },
        ],
      };
    },
  });
}
