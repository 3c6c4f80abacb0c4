// Timing-sensitive: runs in the `timing` project, one file at a time (see vitest.config.ts).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { queuePrefix as queuePrefixOf } from '@ghl-bridge/redis';
import { sandboxLocation, test } from '@ghl-bridge/testing';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ghlFor, sandboxConfig } from './rig.js';

const WORKER = fileURLToPath(new URL('./fixtures/pacing-worker.ts', import.meta.url));
let sandbox: RunningSandbox;
beforeAll(async () => {
  // GHL scaled down: 20 requests per second per location; ghl-bridge allows itself 18.
  sandbox = await startSandbox({ rateLimit: { max: 20, intervalMs: 1000 } });
});
afterAll(() => sandbox.close());

describe('per-location budgets across processes', () => {
  test('saturated locations use their budget with no 429, and a quiet location is not held back', async ({
    config,
    database,
    redis,
    queuePrefix,
  }) => {
    const cfg = sandboxConfig(config, sandbox);
    const rig = ghlFor(cfg, database.db, redis);
    const locations = [];
    for (let i = 0; i < 4; i++) {
      const location = await sandboxLocation(sandbox);
      await rig.store.save(location.install);
      locations.push(location);
    }
    const [quiet, ...busy] = locations as [(typeof locations)[number], ...typeof locations];
    // Two worker processes, as deployed: each with its own GHL client, sharing only Redis and Postgres.
    const env = {
      ...process.env,
      DATABASE_URL: cfg.database.url,
      REDIS_URL: cfg.redis.url,
      QUEUE_PREFIX: queuePrefix,
      GHL_API_BASE_URL: sandbox.url,
      GHL_RATE_LIMIT_BURST: '18',
      GHL_RATE_LIMIT_INTERVAL_MS: '1000',
      LOG_LEVEL: 'silent',
    };
    const workers: ChildProcessWithoutNullStreams[] = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', WORKER], { env }),
    );
    const eventsConnection = new Redis(cfg.redis.url, { maxRetriesPerRequest: null });
    const prefix = queuePrefixOf(queuePrefix, 'pacing');
    const queue = new Queue('pacing', { connection: redis, prefix });
    const events = new QueueEvents('pacing', { connection: eventsConnection, prefix });
    try {
      await events.waitUntilReady();
      for (const worker of workers)
        await createInterface({ input: worker.stdout })[Symbol.asyncIterator]().next();
      await sandbox.admin.resetInspection();
      await queue.addBulk(
        busy.flatMap(({ locationId, calendarId }) =>
          Array.from({ length: 90 }, () => ({
            name: 'call',
            data: { locationId, calendarId },
            opts: { attempts: 5 },
          })),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const quietJob = await queue.add('call', {
        locationId: quiet.locationId,
        calendarId: quiet.calendarId,
      });
      const quietStarted = Date.now();
      await quietJob.waitUntilFinished(events, 5000);
      const quietLatency = Date.now() - quietStarted;
      await new Promise((resolve) => setTimeout(resolve, 2500));

      const requests = await sandbox.admin.requests();
      for (const { locationId } of busy) {
        // Budget used while a backlog waits: over the 3 s after the location's first call, GHL
        // accepted at least 90% of the 18 per second ghl-bridge allows itself.
        const times = requests
          .filter((r) => r.resourceId === locationId && r.statusCode === 200)
          .map((r) => Date.parse(r.at));
        const first = Math.min(...times);
        expect(times.filter((t) => t < first + 3000).length / (18 * 3)).toBeGreaterThanOrEqual(0.9);
      }
      expect(requests.filter((r) => r.statusCode === 429)).toEqual([]);
      expect(quietLatency).toBeLessThan(1000);
    } finally {
      for (const worker of workers) worker.kill('SIGTERM');
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await events.close();
      eventsConnection.disconnect();
    }
  }, 40_000);
});
