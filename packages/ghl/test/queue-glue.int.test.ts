import type { Config } from '@ghl-bridge/config';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { test } from '@ghl-bridge/testing';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { runGhlJob } from '../src/index.js';
import { ghlFor, sandboxConfig } from './rig.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ randomSeed: 5, rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

interface Rigged {
  config: Config;
  database: { db: Parameters<typeof ghlFor>[1] };
  queuePrefix: string;
}

/** A location with tokens, a queue of GHL calls, and `processes` workers each with its own GHL wiring. */
async function pipeline(
  { config, database, queuePrefix }: Rigged,
  ghlOverrides: Partial<Config['ghl']>,
  processes = 1,
) {
  const cfg = sandboxConfig(config, sandbox, ghlOverrides);
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(cfg.redis.url, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };
  const rigs = Array.from({ length: processes }, () => ghlFor(cfg, database.db, connect()));
  const locations: string[] = [];
  const calendars: Record<string, string> = {};
  const addLocation = async () => {
    const seeded = await sandbox.admin.seed({ locations: [{ mintTokens: true }] });
    const location = seeded.locations[0];
    if (!location?.tokens) throw new Error('no tokens');
    const cal = await sandbox.admin.seed({ calendars: [{ locationId: location.id }] });
    calendars[location.id] = cal.calendars[0] ?? '';
    await rigs[0]?.store.save({
      resourceId: location.id,
      userType: 'Location',
      accessToken: location.tokens.access_token,
      refreshToken: location.tokens.refresh_token,
      expiresAt: new Date(Date.now() + 86_000_000),
    });
    locations.push(location.id);
    return location.id;
  };
  const queue = new Queue('ghl-calls', { connection: connect(), prefix: queuePrefix });
  const workers = rigs.map(
    (rig) =>
      new Worker(
        'ghl-calls',
        (job: Job, token?: string) =>
          runGhlJob(job, token, () =>
            rig.client.getCalendar(
              job.data.locationId,
              job.data.calendarId ?? calendars[job.data.locationId] ?? '',
            ),
          ),
        { connection: connect(), prefix: queuePrefix, concurrency: 20 },
      ),
  );
  const events = new QueueEvents('ghl-calls', { connection: connect(), prefix: queuePrefix });
  await events.waitUntilReady();
  return {
    queue,
    events,
    workers,
    addLocation,
    calendars,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      await events.close();
      for (const redis of connections) redis.disconnect();
    },
  };
}

async function drained(queue: Queue, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('runGhlJob: error kinds drive the queue', () => {
  test('a 429 storm delays the jobs without failing any or spending attempts', async ({
    config,
    database,
    queuePrefix,
  }) => {
    const context = { config, database, queuePrefix };
    const p = await pipeline(context, { rateLimit: { burst: 1000, intervalMs: 200, daily: 100_000 } });
    try {
      const location = await p.addLocation();
      await sandbox.admin.setFaults([
        { route: 'GET /calendars/:calendarId', errorRate: 1, status: 429, times: 15 },
      ]);
      await p.queue.addBulk(
        Array.from({ length: 10 }, () => ({
          name: 'call',
          data: { locationId: location },
          opts: { attempts: 2 },
        })),
      );
      await drained(p.queue, 15_000);
      const completed = await p.queue.getJobs(['completed']);
      expect(completed).toHaveLength(10);
      expect(await p.queue.getJobCountByTypes('failed')).toBe(0);
      expect(completed.every((job) => job.attemptsMade <= 1)).toBe(true);
      expect(completed.some((job) => (job.attemptsStarted ?? 0) > 1)).toBe(true);
    } finally {
      await sandbox.admin.clearFaults();
      await p.close();
    }
  });

  test('with 30% injected 5xx every call eventually succeeds; a permanent 400 is not retried', async ({
    config,
    database,
    queuePrefix,
  }) => {
    const context = { config, database, queuePrefix };
    const p = await pipeline(context, { rateLimit: { burst: 1000, intervalMs: 1000, daily: 100_000 } });
    try {
      const location = await p.addLocation();
      await sandbox.admin.setFaults([{ route: 'GET /calendars/:calendarId', errorRate: 0.3, status: 502 }]);
      const retrying = { attempts: 12, backoff: { type: 'fixed', delay: 20 } };
      await p.queue.addBulk(
        Array.from({ length: 30 }, () => ({ name: 'call', data: { locationId: location }, opts: retrying })),
      );
      const permanent = await p.queue.add(
        'call',
        { locationId: location, calendarId: 'missing-calendar' },
        retrying,
      );
      await drained(p.queue, 20_000);
      expect(await p.queue.getJobCountByTypes('completed')).toBe(30);
      const failed = await p.queue.getJob(permanent.id ?? '');
      expect(await failed?.getState()).toBe('failed');
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/GhlPermanentError/);
    } finally {
      await sandbox.admin.clearFaults();
      await p.close();
    }
  });
});

describe('per-location budgets across processes', () => {
  test('saturated locations use their budget with no 429, and a quiet location is not held back', async ({
    config,
    database,
    queuePrefix,
  }) => {
    const context = { config, database, queuePrefix };
    // GHL scaled down: 20 requests per second per location; ghl-bridge allows itself 18.
    await sandbox.admin.setRateLimit({ max: 20, intervalMs: 1000 });
    const p = await pipeline(context, { rateLimit: { burst: 18, intervalMs: 1000, daily: 100_000 } }, 2);
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
