import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { test } from '@ghl-bridge/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { drained, withPipeline } from './queue-pipeline.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ randomSeed: 5, rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

describe('runGhlJob: error kinds drive the queue', () => {
  test('a 429 storm delays the jobs without failing any or spending attempts', async ({
    config,
    database,
    queuePrefix,
  }) =>
    withPipeline(
      sandbox,
      { config, database, queuePrefix },
      { rateLimit: { burst: 1000, intervalMs: 200, daily: 100_000 } },
      async (p) => {
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
      },
    ));

  test('a job turned away by the budget waits once, for a slot held for it; two-call jobs finish too', async ({
    config,
    database,
    queuePrefix,
  }) =>
    withPipeline(
      sandbox,
      { config, database, queuePrefix },
      { rateLimit: { burst: 6, intervalMs: 300, daily: 100_000 } },
      async (p) => {
        const location = await p.addLocation();
        await sandbox.admin.resetInspection();
        await p.queue.addBulk(
          Array.from({ length: 30 }, (_, i) => ({
            name: 'call',
            data: { locationId: location, calls: 1 + (i % 2) },
            opts: { attempts: 1 },
          })),
        );
        await drained(p.queue, 20_000);
        const completed = await p.queue.getJobs(['completed']);
        expect(completed).toHaveLength(30);
        // One run, or: turned away, then run in the slot held for it. A two-call job turned away
        // after its first call holds two slots for its next run.
        const starts = completed.map((job) => job.attemptsStarted ?? 0);
        expect(Math.max(...starts)).toBeLessThanOrEqual(3);
        expect(starts.filter((n) => n > 1).length).toBeGreaterThan(15);
        expect(await sandbox.admin.counter('rateLimit.rejected')).toBe(0);
      },
    ));

  test('with 30% injected 5xx every call eventually succeeds; a permanent 400 is not retried', async ({
    config,
    database,
    queuePrefix,
  }) =>
    withPipeline(
      sandbox,
      { config, database, queuePrefix },
      { rateLimit: { burst: 1000, intervalMs: 1000, daily: 100_000 } },
      async (p) => {
        const location = await p.addLocation();
        await sandbox.admin.setFaults([{ route: 'GET /calendars/:calendarId', errorRate: 0.3, status: 502 }]);
        const retrying = { attempts: 12, backoff: { type: 'fixed', delay: 20 } };
        await p.queue.addBulk(
          Array.from({ length: 30 }, () => ({
            name: 'call',
            data: { locationId: location },
            opts: retrying,
          })),
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
        // GHL's answer, as a person reads it in Bull Board or a 502: not one of our class names.
        expect(failed?.failedReason).toMatch(/^GHL answered 400: /);
        // The injected 5xx hit this job too and were retried; GHL's own 400 ended it at once.
        const answers = (await sandbox.admin.requests())
          .filter((r) => r.url.includes('/calendars/missing-calendar'))
          .map((r) => r.statusCode);
        expect(answers.filter((status) => status === 400)).toHaveLength(1);
        expect(failed?.attemptsMade).toBe(answers.length);
      },
    ));
});
