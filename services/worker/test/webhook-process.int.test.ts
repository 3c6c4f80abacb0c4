import { randomBytes } from 'node:crypto';
import { saveCalendars, webhookEvents } from '@ghl-bridge/db';
import { closeQueues, createQueues, enqueue, webhookJobId } from '@ghl-bridge/jobs';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { appointmentEvent, deleteKeys, test, webhookDelivery } from '@ghl-bridge/testing';
import { type Job, UnrecoverableError } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject } from 'vitest';
import { citaSyncNotConfigured } from '../src/citas/cita-sync.js';
import { createWorkers, dispatch } from '../src/create-workers.js';
import { processors, type WorkerDeps } from '../src/processors/index.js';
import { applyWebhookEvent } from '../src/webhooks/apply-webhook-events.js';
import { webhookEffects } from '../src/webhooks/effects/index.js';

const log = createLogger({ name: 'test', level: 'silent' });
// Producers the webhook processor never uses, but WorkerDeps carries for the outbox sweeper.
const producer = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const idlePrefix = `{worker-test-idle-${randomBytes(4).toString('hex')}}`;
const idleQueues = createQueues(producer, idlePrefix);
afterAll(async () => {
  await closeQueues(idleQueues);
  await deleteKeys(producer, idlePrefix);
  await producer.quit();
});
const deps = (db: WorkerDeps['db'], effects: WorkerDeps['webhookEffects'] = webhookEffects): WorkerDeps => ({
  db,
  log,
  webhookEffects: effects,
  citaSync: citaSyncNotConfigured,
  queues: idleQueues,
});

const delivery = (event: Record<string, unknown> = appointmentEvent()) => webhookDelivery(event);

const rowsFor = (db: Parameters<typeof applyWebhookEvent>[0], hash: string) =>
  db.select().from(webhookEvents).where(eq(webhookEvents.payloadHash, hash));

describe('webhook.process', () => {
  test('a worker drains the queue and marks the event processed', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    const workers = createWorkers({
      connection: redis,
      prefix: queuePrefix,
      concurrency: 2,
      processors,
      deps: deps(database.db),
    });
    try {
      const payload = delivery();
      const job = await enqueue(queues, 'webhook.process', payload, {
        jobId: webhookJobId(payload.webhookId, payload.payloadHash),
      });
      const [worker] = workers;
      await new Promise<void>((resolve, reject) => {
        worker?.on('completed', (done) => done.id === job.id && resolve());
        worker?.on('failed', (failed, error) => failed?.id === job.id && reject(error));
      });
      const [row] = await rowsFor(database.db, payload.payloadHash);
      expect(row).toMatchObject({
        status: 'processed',
        attempts: 1,
        eventType: 'AppointmentCreate',
        locationId: 'loc_test_1',
      });
      expect(row?.processedAt).toBeInstanceOf(Date);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await closeQueues(queues);
    }
  });

  test('running the same job twice leaves one row and one effect', async ({ database }) => {
    const payload = delivery();
    const job = { name: 'webhook.process', id: 'j1', data: payload, attemptsMade: 0 } as unknown as Job;
    expect(await dispatch(job, processors, deps(database.db))).toEqual({ outcome: 'processed' });
    expect(await dispatch(job, processors, deps(database.db))).toEqual({ outcome: 'duplicate' });
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
    database,
  }) => {
    const payload = delivery();
    const job = { name: 'webhook.process', id: 'j2', data: payload, attemptsMade: 0 } as unknown as Job;
    let effects = 0;
    const failing = async () => {
      throw new Error('cita table locked');
    };
    await expect(
      dispatch(job, processors, deps(database.db, { 'appointment.upsert': failing })),
    ).rejects.toThrow('cita table locked');
    let [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'cita table locked' });

    const counting = {
      'appointment.upsert': async () => {
        effects++;
        return 'processed' as const;
      },
    };
    expect(await dispatch(job, processors, deps(database.db, counting))).toEqual({ outcome: 'processed' });
    [row] = await rowsFor(database.db, payload.payloadHash);
    expect(row).toMatchObject({ status: 'processed', attempts: 2, lastError: null });
    expect(effects).toBe(1);
  });

  test('a payload that does not match its schema fails for good', async ({ database }) => {
    const job = {
      name: 'webhook.process',
      id: 'j3',
      data: { event: 'nope' },
      attemptsMade: 0,
    } as unknown as Job;
    await expect(dispatch(job, processors, deps(database.db))).rejects.toBeInstanceOf(UnrecoverableError);
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
    database,
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
    const otherLocation = appointmentEvent({ locationId: 'loc-b' });
    const uninstall = { type: 'UNINSTALL', locationId: 'loc-a', webhookId: `u-${Date.now()}` };
    for (const [event, id] of [
      [otherLocation, 'wf1'],
      [uninstall, 'wf2'],
    ] as const) {
      expect(await dispatch(workflowJob(event, id), processors, deps(database.db, mustNotRun))).toEqual({
        outcome: 'ignored',
      });
      const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
      expect(row).toMatchObject({ status: 'ignored', lastError: expect.stringContaining('workflow') });
      expect(row?.source).toEqual({ kind: 'workflow', locationId: 'loc-a', secretId });
    }
    // A repeat is a duplicate of the ignored row.
    expect(
      await dispatch(workflowJob(otherLocation, 'wf3'), processors, deps(database.db, mustNotRun)),
    ).toEqual({
      outcome: 'duplicate',
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

  test("a workflow event of its secret's location is applied, and its row keeps the source", async ({
    database,
  }) => {
    await saveCalendars(database.db, [calendarOf('cal-wf-a', 'loc-a')]);
    const event = appointmentEvent({ locationId: 'loc-a' });
    (event.appointment as Record<string, unknown>).calendarId = 'cal-wf-a';
    expect(await dispatch(workflowJob(event, 'wf4'), processors, deps(database.db))).toEqual({
      outcome: 'processed',
    });
    const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
    expect(row).toMatchObject({ status: 'processed', locationId: 'loc-a' });
    expect(row?.source).toEqual({ kind: 'workflow', locationId: 'loc-a', secretId });
  });
});

describe('webhook.process and values PostgreSQL refuses', () => {
  const job = (event: Record<string, unknown>, id: string) =>
    ({ name: 'webhook.process', id, data: webhookDelivery(event), attemptsMade: 0 }) as unknown as Job;

  test('a signed appointment in year 0000 or ending before it starts fails for good at once', async ({
    database,
  }) => {
    for (const [i, times] of [
      { startTime: '0000-01-01T00:00:00Z', endTime: '0000-01-01T00:30:00Z' },
      { startTime: '2031-01-01T10:00:00Z', endTime: '2031-01-01T09:00:00Z' },
    ].entries()) {
      const event = appointmentEvent();
      Object.assign(event.appointment as Record<string, unknown>, times);
      await expect(dispatch(job(event, `pg${i}`), processors, deps(database.db))).rejects.toBeInstanceOf(
        UnrecoverableError,
      );
      const [row] = await rowsFor(database.db, webhookDelivery(event).payloadHash);
      expect(row?.status).toBe('failed');
    }
  });

  test("an effect PostgreSQL refuses for the event's own values fails for good, its values kept out", async ({
    database,
  }) => {
    // A data exception (class 22) on a query carrying a patient's name as a bound value.
    const refusing = {
      ...webhookEffects,
      'appointment.upsert': async (context: { tx: { execute: (q: unknown) => Promise<unknown> } }) => {
        await context.tx.execute(sql`select ${'Ana Quispe'}::text, 1 / 0`);
        return 'processed' as const;
      },
    } as unknown as WorkerDeps['webhookEffects'];
    const failure = await dispatch(
      job(appointmentEvent(), 'pg-22'),
      processors,
      deps(database.db, refusing),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/^PostgreSQL 22012/);
    expect((failure as Error).message).not.toContain('Ana Quispe');
  });

  test('any other job failing on a query leaves its bound values out of the failure BullMQ keeps', async ({
    database,
  }) => {
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
    const failure = await dispatch(contactJob, failing, deps(database.db)).catch((error: unknown) => error);
    // Still retried (not for good): only the message changed.
    expect(failure).not.toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/^PostgreSQL 22012/);
    expect((failure as Error).message).not.toContain('Ana Quispe');
  });
});

describe('webhook.process and a workflow appointment on another calendar', () => {
  test("an appointment on another location's calendar is ignored and books nothing", async ({ database }) => {
    // The calendar is loc-b's: a cita of loc-a on it would take loc-b's time (citas_no_overlap).
    await saveCalendars(database.db, [
      {
        id: 'cal-wf-b',
        locationId: 'loc-b',
        name: 'b',
        description: null,
        timeZone: null,
        isActive: true,
        teamMemberIds: [],
        slotMinutes: 30,
      },
    ]);
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
    // Known as loc-b's, so no GHL lookup is needed (this worker has no GHL client at all).
    expect(await dispatch(job, processors, deps(database.db))).toEqual({ outcome: 'ignored' });
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
    database,
  }) => {
    const metrics = createMetrics();
    for (const [i, type] of ['Made-Up-1', 'Made-Up-2', 'AppointmentCreate'].entries()) {
      const event = { ...appointmentEvent({ locationId: 'loc-m' }), type };
      const job = { name: 'webhook.process', id: `m${i}`, data: webhookDelivery(event), attemptsMade: 0 };
      await dispatch(job as unknown as Job, processors, { ...deps(database.db), metrics });
    }
    const text = await metrics.registry.getSingleMetricAsString('webhooks_applied_total');
    expect(text).toContain('webhooks_applied_total{type="other",outcome="ignored"} 2');
    expect(text).toContain('webhooks_applied_total{type="AppointmentCreate",outcome="processed"} 1');
    expect(text).not.toContain('Made-Up');
  });
});
