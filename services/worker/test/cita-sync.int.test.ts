import type { Config } from '@ghl-bridge/config';
import { type Cita, citaChanges, citas, type Db, insertCita, updateCita } from '@ghl-bridge/db';
import { GhlPermanentError, GhlRateLimitedError } from '@ghl-bridge/ghl';
import { citaSyncJobId, enqueue } from '@ghl-bridge/jobs';
import { type TestDatabase, test } from '@ghl-bridge/testing';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { describe, expect, onTestFinished } from 'vitest';
import type { CitaSync } from '../src/citas/cita-sync.js';
import { createWorker } from '../src/create-worker.js';

let sequence = 0;

interface Fixtures {
  config: Config;
  database: TestDatabase;
  redis: Redis;
}

/** A worker that runs only the jobs a test hands it, with `citaSync` for its GHL calls. */
async function syncWorker({ config, database, redis }: Fixtures, citaSync: CitaSync) {
  const worker = await createWorker(config, { database, redis, citaSync, drain: [], schedulers: false });
  onTestFinished(() => worker.close());
  return worker;
}

/** What the GHL client throws for a failure no retry can mend. */
const failsForGood: CitaSync = async () => {
  throw new UnrecoverableError('GHL client not configured');
};

async function newCita(db: Db): Promise<Cita> {
  const start = new Date(Date.UTC(2030, 2, 4, 14, 0) + sequence++ * 3600_000);
  const end = new Date(start.getTime() + 30 * 60_000);
  return insertCita(db, {
    locationId: 'loc_sync',
    calendarId: 'cal_sync',
    patientName: 'Ana',
    patientPhone: '+51987654321',
    startAt: start,
    endAt: end,
    blockedUntil: end,
    source: 'rv3',
  });
}

const job = (cita: Cita, version = cita.version, attemptsMade = 0) =>
  ({
    name: 'cita.sync',
    id: `cita-${cita.id}-v${version}`,
    data: { citaId: cita.id, version },
    attemptsMade,
    opts: { attempts: 20 },
  }) as unknown as Job;

describe('cita.sync', () => {
  test('stores what citaSync answers and marks the version synced', async ({ config, database, redis }) => {
    const seen: Array<{ version: number; notify: boolean }> = [];
    const citaSync: CitaSync = async ({ cita, settings }) => {
      seen.push({ version: cita.version, notify: settings.notifyPatient });
      return { ghlAppointmentId: `appt_${cita.id.slice(0, 8)}`, ghlContactId: 'contact_9' };
    };
    const worker = await syncWorker({ config, database, redis }, citaSync);
    const cita = await newCita(database.db);
    expect(await worker.run(job(cita))).toMatchObject({ outcome: 'synced' });
    const [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
    expect(row).toMatchObject({
      syncStatus: 'synced',
      syncAttempts: 1,
      ghlContactId: 'contact_9',
      syncError: null,
    });
    expect(row?.ghlAppointmentId).toBe(`appt_${cita.id.slice(0, 8)}`);
    expect(seen).toEqual([{ version: 1, notify: true }]);
    // Run again (a re-enqueue by the sweeper): nothing to do.
    expect(await worker.run(job(cita))).toEqual({ outcome: 'already_synced' });
  });

  test('a job for an older version does nothing', async ({ config, database, redis }) => {
    let calls = 0;
    const citaSync: CitaSync = async () => {
      calls++;
      return { ghlAppointmentId: 'x' };
    };
    const worker = await syncWorker({ config, database, redis }, citaSync);
    const cita = await newCita(database.db);
    await updateCita(database.db, cita.id, { notes: 'changed' });
    expect(await worker.run(job(cita, 1))).toEqual({ outcome: 'superseded', version: 2 });
    expect(calls).toBe(0);
  });

  test('a failure while retries remain leaves the cita pending; the last one records the reason', async ({
    config,
    database,
    redis,
  }) => {
    const cita = await newCita(database.db);
    const transient: CitaSync = async () => {
      throw new Error('GHL 503');
    };
    const retrying = await syncWorker({ config, database, redis }, transient);
    await expect(retrying.run(job(cita))).rejects.toThrow('GHL 503');
    // Retrying is the job's business (Bull Board shows it); RV3 hears only the outcome.
    let [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
    expect(row).toMatchObject({ syncStatus: 'pending', syncError: null });
    const changesOf = async () =>
      (await database.db.select().from(citaChanges).where(eq(citaChanges.citaId, cita.id))).map(
        (c) => c.kind,
      );
    expect(await changesOf()).toEqual([]);

    const failing = await syncWorker({ config, database, redis }, failsForGood);
    await expect(failing.run(job(cita, 1, 1))).rejects.toBeInstanceOf(UnrecoverableError);
    [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
    expect(row).toMatchObject({ syncStatus: 'failed', syncAttempts: 2 });
    expect(row?.syncError).toContain('GHL client not configured');
    expect(await changesOf()).toEqual(['cita.sync_failed']);
  });
});

describe('cita.sync through its queue: GHL errors mapped by the dispatch', () => {
  /** Enqueues the cita's sync as ingress does; resolves with the job once it completed or failed a run. */
  async function syncThroughQueue(fixtures: Fixtures, cita: Cita, citaSync: CitaSync) {
    const worker = await createWorker(fixtures.config, {
      database: fixtures.database,
      redis: fixtures.redis,
      citaSync,
      drain: ['citas'],
      schedulers: false,
    });
    onTestFinished(() => worker.close());
    const [citasWorker] = worker.workers;
    const jobId = citaSyncJobId(cita.id, cita.version);
    const finished = settled(citasWorker, jobId);
    await enqueue(worker.deps.queues, 'cita.sync', { citaId: cita.id, version: cita.version }, { jobId });
    await finished;
    const job = await worker.deps.queues.citas.getJob(jobId);
    if (!job) throw new Error('the job vanished');
    return job;
  }

  const changeKinds = async (db: Db, citaId: string) =>
    (await db.select().from(citaChanges).where(eq(citaChanges.citaId, citaId))).map((c) => c.kind);

  test('a rate limit delays the job without spending an attempt or telling the cita', async ({
    config,
    database,
    redis,
  }) => {
    const cita = await newCita(database.db);
    let calls = 0;
    const limitedOnce: CitaSync = async ({ cita: row }) => {
      calls++;
      if (calls === 1) throw new GhlRateLimitedError(row.locationId, 200, 'budget');
      return { ghlAppointmentId: 'appt_after_wait' };
    };
    const job = await syncThroughQueue({ config, database, redis }, cita, limitedOnce);
    expect(await job.getState()).toBe('completed');
    // Started twice, one attempt spent: the run that completed (BullMQ counts completions too).
    expect(job.attemptsStarted).toBe(2);
    expect(job.attemptsMade).toBe(1);
    const [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
    expect(row).toMatchObject({ syncStatus: 'synced', syncError: null });
    expect(await changeKinds(database.db, cita.id)).not.toContain('cita.sync_failed');
  });

  test('a permanent GHL refusal fails the job for good at once, and the cita hears it', async ({
    config,
    database,
    redis,
  }) => {
    const cita = await newCita(database.db);
    const refused: CitaSync = async () => {
      throw new GhlPermanentError(422, 'The slot you have selected is no longer available.');
    };
    const job = await syncThroughQueue({ config, database, redis }, cita, refused);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^GHL answered 422: /);
    const [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
    expect(row).toMatchObject({ syncStatus: 'failed', syncAttempts: 1 });
    expect(await changeKinds(database.db, cita.id)).toEqual(['cita.sync_failed']);
  });
});

/** Resolves when `worker` completes job `jobId` or fails an attempt of it (a wait for budget is neither). */
function settled(worker: Worker | undefined, jobId: string): Promise<void> {
  if (!worker) throw new Error('no worker for the citas queue');
  return new Promise((resolve) => {
    worker.on('completed', (job) => job.id === jobId && resolve());
    worker.on('failed', (job) => job?.id === jobId && resolve());
  });
}
