import type { Config } from '@ghl-bridge/config';
import { saveCalendars, webhookEvents } from '@ghl-bridge/db';
import { enqueue, webhookJobId } from '@ghl-bridge/jobs';
import { appointmentEvent, type TestDatabase, test, webhookDelivery } from '@ghl-bridge/testing';
import { type Job, UnrecoverableError } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { describe, expect, onTestFinished } from 'vitest';
import { createWorker, type WorkerOverrides } from '../src/create-worker.js';
import { dispatch } from '../src/create-workers.js';
import { processors, type WorkerDeps } from '../src/processors/index.js';
import { applyWebhookEvent, type WebhookEffects } from '../src/webhooks/apply-webhook-events.js';
import { webhookEffects } from '../src/webhooks/effects/index.js';

interface Fixtures {
  config: Config;
  database: TestDatabase;
  redis: Redis;
}

/** A worker on the test's database and prefix, closed after the test; by default it drains no queue. */
async function startWorker({ config, database, redis }: Fixtures, overrides: WorkerOverrides = {}) {
  const worker = await createWorker(config, { database, redis, drain: [], schedulers: false, ...overrides });
  onTestFinished(() => worker.close());
  return worker;
}

/** Runs one job as the worker does, with `webhookEffects` for what events change. */
const runWith = async (fixtures: Fixtures, job: Job, webhookEffects?: WebhookEffects) =>
  (await startWorker(fixtures, webhookEffects ? { webhookEffects } : {})).run(job);

const delivery = (event: Record<string, unknown> = appointmentEvent()) => webhookDelivery(event);

const rowsFor = (db: Parameters<typeof applyWebhookEvent>[0], hash: string) =>
  db.select().from(webhookEvents).where(eq(webhookEvents.payloadHash, hash));

describe('webhook.process', () => {
  test('a worker drains the queue and marks the event processed', async ({ config, database, redis }) => {
    const running = await startWorker({ config, database, redis }, { drain: ['webhooks'], concurrency: 2 });
    const payload = delivery();
    const jobId = webhookJobId(payload.webhookId, payload.payloadHash);
    const [worker] = running.workers;
    // Listening before the job exists: it may finish before enqueue's promise resolves.
    const finished = new Promise<void>((resolve, reject) => {
      worker?.on('completed', (done) => done.id === jobId && resolve());
      worker?.on('failed', (failed, error) => failed?.id === jobId && reject(error));
    });
    await enqueue(running.deps.queues, 'webhook.process', payload, { jobId });
    await finished;
    const [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row).toMatchObject({
      status: 'processed',
      attempts: 1,
      eventType: 'AppointmentCreate',
      locationId: 'loc_test_1',
    });
    expect(row?.processedAt).toBeInstanceOf(Date);
  });

  test('running the same job twice leaves one row and one effect', async ({ config, database, redis }) => {
    const payload = delivery();
    const job = { name: 'webhook.process', id: 'j1', data: payload, attemptsMade: 0 } as unknown as Job;
    const worker = await startWorker({ config, database, redis });
    expect(await worker.run(job)).toEqual({ outcome: 'processed' });
    expect(await worker.run(job)).toEqual({ outcome: 'duplicate' });
    expect(await rowsFor(database.db, payload.payloadHash)).toHaveLength(1);
  });

  test('concurrent deliveries of one event apply its effect exactly once', async ({ database }) => {
    const payload = delivery();
    let effects = 0;
    const counting = {
      'appointment.upsert': async () => {
        effects++;
        return 'processed' as const;
      },
    };
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => applyWebhookEvent(database.db, payload, counting)),
    );
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(7);
    expect(effects).toBe(1);
  });

  test('a redelivery with the same webhookId but other bytes is still one event', async ({ database }) => {
    const event = appointmentEvent();
    const first = delivery(event);
    const second = { ...delivery({ ...event, timestamp: new Date(Date.now() + 1000).toISOString() }) };
    expect(second.payloadHash).not.toBe(first.payloadHash);
    expect(
      await applyWebhookEvent(database.db, first, { 'appointment.upsert': async () => 'processed' as const }),
    ).toBe('processed');
    expect(
      await applyWebhookEvent(database.db, second, {
        'appointment.upsert': async () => 'processed' as const,
      }),
    ).toBe('duplicate');
  });

  test('events of unknown types are recorded as ignored', async ({ database }) => {
    const payload = delivery({ type: 'OpportunityCreate', locationId: 'loc_1', webhookId: 'wh-unknown-1' });
    expect(await applyWebhookEvent(database.db, payload, {})).toBe('ignored');
    const [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row?.status).toBe('ignored');
  });

  test('a failing effect is rolled back, recorded as failed with its error, and retried later', async ({
    config,
    database,
    redis,
  }) => {
    const payload = delivery();
    const job = { name: 'webhook.process', id: 'j2', data: payload, attemptsMade: 0 } as unknown as Job;
    let effects = 0;
    const failing = async () => {
      throw new Error('cita table locked');
    };
    await expect(
      runWith({ config, database, redis }, job, { 'appointment.upsert': failing }),
    ).rejects.toThrow('cita table locked');
    let [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'cita table locked' });

    const counting = {
      'appointment.upsert': async () => {
        effects++;
        return 'processed' as const;
      },
    };
    expect(await runWith({ config, database, redis }, job, counting)).toEqual({ outcome: 'processed' });
    [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    expect(effects).toBe(1);
  });

  test('a payload that does not match its schema fails for good', async ({ config, database, redis }) => {
    const job = {
      name: 'webhook.process',
      id: 'j3',
      data: { event: 'nope' },
      attemptsMade: 0,
    } as unknown as Job;
    await expect(runWith({ config, database, redis }, job)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe('webhook.process and the source rule', () => {
  const secretId = '4b7f9f3e-5c61-4a8e-9d1e-0a1b2c3d4e5f';
  const workflowJob = (event: Record<string, unknown>, id: string) =>
    ({
      name: 'webhook.process',
      id,
      data: { ...webhookDelivery(event), source: { kind: 'workflow', locationId: 'loc-a', secretId } },
      attemptsMade: 0,
    }) as unknown as Job;

  test('a workflow event outside its secret is recorded as ignored and applies nothing', async ({
    config,
    database,
    redis,
  }) => {
    // Effects that fail the test if the rule lets anything through to them.
    const mustNotRun = Object.fromEntries(
      Object.keys(webhookEffects).map((type) => [
        type,
        async () => {
          throw new Error(`the ${type} effect ran for an event outside its workflow secret`);
        },
      ]),
    );
    const worker = await startWorker({ config, database, redis }, { webhookEffects: mustNotRun });
    const otherLocation = appointmentEvent({ locationId: 'loc-b' });
    const uninstall = { type: 'UNINSTALL', locationId: 'loc-a', webhookId: `u-${Date.now()}` };
    for (const [event, id] of [
      [otherLocation, 'wf1'],
      [uninstall, 'wf2'],
    ] as const) {
      expect(await worker.run(workflowJob(event, id))).toEqual({
        outcome: 'ignored',
      });
      const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
      expect(row).toMatchObject({ status: 'ignored', lastError: expect.stringContaining('workflow') });
      expect(row?.source).toEqual({ kind: 'workflow', locationId: 'loc-a', secretId });
    }
    // A repeat is a duplicate of the ignored row.
    expect(await worker.run(workflowJob(otherLocation, 'wf3'))).toEqual({
      outcome: 'duplicate',
    });
  });

  test("a workflow event of its secret's location is applied, and its row keeps the source", async ({
    config,
    database,
    redis,
  }) => {
    await saveCalendars(database.db, [calendarOf('cal-wf-a', 'loc-a')]);
    const event = appointmentEvent({ locationId: 'loc-a' });
    (event.appointment as Record<string, unknown>).calendarId = 'cal-wf-a';
    expect(await runWith({ config, database, redis }, workflowJob(event, 'wf4'))).toEqual({
      outcome: 'processed',
    });
    const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
    expect(row).toMatchObject({ status: 'processed', locationId: 'loc-a' });
    expect(row?.source).toEqual({ kind: 'workflow', locationId: 'loc-a', secretId });
  });
});

const calendarOf = (id: string, locationId: string) => ({
  id,
  locationId,
  name: id,
  description: null,
  timeZone: null,
  isActive: true,
  teamMemberIds: [],
  slotMinutes: 30,
});

describe('webhook.process and values PostgreSQL refuses', () => {
  const job = (event: Record<string, unknown>, id: string) =>
    ({ name: 'webhook.process', id, data: webhookDelivery(event), attemptsMade: 0 }) as unknown as Job;

  test('a signed appointment in year 0000 or ending before it starts fails for good at once', async ({
    config,
    database,
    redis,
  }) => {
    const worker = await startWorker({ config, database, redis });
    for (const [i, times] of [
      { startTime: '0000-01-01T00:00:00Z', endTime: '0000-01-01T00:30:00Z' },
      { startTime: '2031-01-01T10:00:00Z', endTime: '2031-01-01T09:00:00Z' },
    ].entries()) {
      const event = appointmentEvent();
      Object.assign(event.appointment as Record<string, unknown>, times);
      await expect(worker.run(job(event, `pg${i}`))).rejects.toBeInstanceOf(UnrecoverableError);
      const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
      expect(row?.status).toBe('failed');
    }
  });

  test("an effect PostgreSQL refuses for the event's own values fails for good, its values kept out", async ({
    config,
    database,
    redis,
  }) => {
    // A data exception (class 22) on a query carrying a patient's name as a bound value.
    const refusing = {
      ...webhookEffects,
      'appointment.upsert': async (context: { tx: { execute: (q: unknown) => Promise<unknown> } }) => {
        await context.tx.execute(sql`select ${'Ana Quispe'}::text, 1 / 0`);
        return 'processed' as const;
      },
    } as unknown as WebhookEffects;
    const failure = await runWith(
      { config, database, redis },
      job(appointmentEvent(), 'pg-22'),
      refusing,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/^PostgreSQL 22012/);
    expect((failure as Error).message).not.toContain('Ana Quispe');
  });

  test('any other job failing on a query leaves its bound values out of the failure BullMQ keeps', async ({
    config,
    database,
    redis,
  }) => {
    const worker = await startWorker({ config, database, redis });
    const failing = {
      ...processors,
      'ghl.contact-fetch': async ({ deps: { db } }: { deps: WorkerDeps }) =>
        db.execute(sql`select ${'Ana Quispe'}::text, 1 / 0`),
    } as unknown as typeof processors;
    const contactJob = {
      name: 'ghl.contact-fetch',
      id: 'cf1',
      data: { locationId: 'loc-a', contactId: 'c-1' },
      attemptsMade: 0,
    } as unknown as Job;
    const failure = await dispatch(contactJob, failing, worker.deps).catch((error: unknown) => error);
    // Still retried (not for good): only the message changed.
    expect(failure).not.toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/^PostgreSQL 22012/);
    expect((failure as Error).message).not.toContain('Ana Quispe');
  });
});

describe('webhook.process and a workflow appointment on another calendar', () => {
  test("an appointment on another location's calendar is ignored and books nothing", async ({
    config,
    database,
    redis,
  }) => {
    // The calendar is loc-b's: a cita of loc-a on it would take loc-b's time (citas_no_overlap).
    await saveCalendars(database.db, [calendarOf('cal-wf-b', 'loc-b')]);
    const event = appointmentEvent({ locationId: 'loc-a' });
    (event.appointment as Record<string, unknown>).calendarId = 'cal-wf-b';
    const job = {
      name: 'webhook.process',
      id: 'wf-cal',
      data: {
        ...webhookDelivery(event),
        source: { kind: 'workflow', locationId: 'loc-a', secretId: '4b7f9f3e-5c61-4a8e-9d1e-0a1b2c3d4e5f' },
      },
      attemptsMade: 0,
    } as unknown as Job;
    // Known as loc-b's, so no GHL lookup is needed.
    expect(await runWith({ config, database, redis }, job)).toEqual({ outcome: 'ignored' });
    const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
    expect(row).toMatchObject({
      status: 'ignored',
      lastError: expect.stringContaining('calendar of its location'),
    });
    const booked = await database.sql`select 1 from citas where calendar_id = 'cal-wf-b'`;
    expect(booked).toHaveLength(0);
  });
});

describe('webhook metrics', () => {
  test('label the type from a fixed list: a type the sender made up counts as other', async ({
    config,
    database,
    redis,
  }) => {
    const worker = await startWorker({ config, database, redis });
    const { metrics } = worker;
    for (const [i, type] of ['Made-Up-1', 'Made-Up-2', 'AppointmentCreate'].entries()) {
      const event = { ...appointmentEvent({ locationId: 'loc-m' }), type };
      const job = { name: 'webhook.process', id: `m${i}`, data: webhookDelivery(event), attemptsMade: 0 };
      await worker.run(job as unknown as Job);
    }
    const text = await metrics.registry.getSingleMetricAsString('webhooks_applied_total');
    expect(text).toContain('webhooks_applied_total{type="other",outcome="ignored"} 2');
    expect(text).toContain('webhooks_applied_total{type="AppointmentCreate",outcome="processed"} 1');
    expect(text).not.toContain('Made-Up');
  });
});
