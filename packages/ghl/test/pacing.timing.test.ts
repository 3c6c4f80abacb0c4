// Timing-sensitive: runs in the `timing` project, one file at a time (see vitest.config.ts).
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { test } from '@ghl-bridge/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { pipeline } from './queue-pipeline.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ randomSeed: 5, rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

describe('per-location budgets across processes', () => {
  test('saturated locations use their budget with no 429, and a quiet location is not held back', async ({
    config,
    database,
    queuePrefix,
  }) => {
    const context = { config, database, queuePrefix };
    // GHL scaled down: 20 requests per second per location; ghl-bridge allows itself 18.
    await sandbox.admin.setRateLimit({ max: 20, intervalMs: 1000 });
    const p = await pipeline(
      sandbox,
      context,
      { rateLimit: { burst: 18, intervalMs: 1000, daily: 100_000 } },
      2,
    );
    try {
      const busy = [await p.addLocation(), await p.addLocation(), await p.addLocation()];
      const quiet = await p.addLocation();
      const rejectedBefore = await sandbox.admin.counter('rateLimit.rejected');
      await sandbox.admin.resetInspection();
      const started = Date.now();
      await p.queue.addBulk(
        busy.flatMap((locationId) =>
          Array.from({ length: 90 }, () => ({ name: 'call', data: { locationId } })),
        ),
      );

      await new Promise((resolve) => setTimeout(resolve, 2500));
      const quietJob = await p.queue.add('call', { locationId: quiet });
      const quietStarted = Date.now();
      await quietJob.waitUntilFinished(p.events, 5000);
      const quietLatency = Date.now() - quietStarted;

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3600 - (Date.now() - started))));
      const requests = await sandbox.admin.requests();
      for (const locationId of busy) {
        // Budget used while a backlog waits: over the 3 s after the location's first call, GHL
        // accepted at least 90% of the 18 per second ghl-bridge allows itself.
        const times = requests
          .filter((r) => r.resourceId === locationId && r.statusCode === 200)
          .map((r) => Date.parse(r.at));
        const first = Math.min(...times);
        const inWindow = times.filter((t) => t < first + 3000).length;
        expect(inWindow / (18 * 3)).toBeGreaterThanOrEqual(0.9);
      }
      expect((await sandbox.admin.counter('rateLimit.rejected')) - rejectedBefore).toBe(0);
      expect(requests.filter((r) => r.statusCode === 429)).toEqual([]);
      expect(quietLatency).toBeLessThan(1000);
    } finally {
      await sandbox.admin.setRateLimit({ max: 100_000, intervalMs: 10_000 });
      await p.close();
    }
  }, 30_000);
});
