import { type Cita, citaChanges, citas, insertCita, updateCita } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createLogger } from '@ghl-bridge/observability';
import { test } from '@ghl-bridge/testing';
import { type Job, UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import type { CitaSync } from '../src/citas/cita-sync.js';
import { citaSyncNotConfigured } from '../src/citas/cita-sync.js';
import { dispatch } from '../src/create-workers.js';
import { processors, type WorkerDeps } from '../src/processors/index.js';
import { webhookEffects } from '../src/webhooks/effects/index.js';

const log = createLogger({ name: 'test', level: 'silent' });
let sequence = 0;

async function newCita(db: WorkerDeps['db']): Promise<Cita> {
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
  test('stores what citaSync answers and marks the version synced', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    const seen: Array<{ version: number; notify: boolean }> = [];
    const citaSync: CitaSync = async ({ cita, settings }) => {
      seen.push({ version: cita.version, notify: settings.notifyPatient });
      return { ghlAppointmentId: `appt_${cita.id.slice(0, 8)}`, ghlContactId: 'contact_9' };
    };
    const deps: WorkerDeps = { db: database.db, log, webhookEffects, citaSync, queues };
    try {
      const cita = await newCita(database.db);
      expect(await dispatch(job(cita), processors, deps)).toMatchObject({ outcome: 'synced' });
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
      expect(await dispatch(job(cita), processors, deps)).toEqual({ outcome: 'already_synced' });
    } finally {
      await closeQueues(queues);
    }
  });

  test('a job for an older version does nothing', async ({ database, redis, queuePrefix }) => {
    const queues = createQueues(redis, queuePrefix);
    let calls = 0;
    const citaSync: CitaSync = async () => {
      calls++;
      return { ghlAppointmentId: 'x' };
    };
    try {
      const cita = await newCita(database.db);
      await updateCita(database.db, cita.id, { notes: 'changed' });
      const deps: WorkerDeps = { db: database.db, log, webhookEffects, citaSync, queues };
      expect(await dispatch(job(cita, 1), processors, deps)).toEqual({ outcome: 'superseded', version: 2 });
      expect(calls).toBe(0);
    } finally {
      await closeQueues(queues);
    }
  });

  test('a failure while retries remain leaves the cita pending; the last one records the reason', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    try {
      const cita = await newCita(database.db);
      const transient: CitaSync = async () => {
        throw new Error('GHL 503');
      };
      const base = { db: database.db, log, webhookEffects, queues };
      await expect(dispatch(job(cita), processors, { ...base, citaSync: transient })).rejects.toThrow(
        'GHL 503',
      );
      // Retrying is the job's business (Bull Board shows it); RV3 hears only the outcome.
      let [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
      expect(row).toMatchObject({ syncStatus: 'pending', syncError: null });
      const changesOf = async () =>
        (await database.db.select().from(citaChanges).where(eq(citaChanges.citaId, cita.id))).map(
          (c) => c.kind,
        );
      expect(await changesOf()).toEqual([]);

      await expect(
        dispatch(job(cita, 1, 1), processors, { ...base, citaSync: citaSyncNotConfigured }),
      ).rejects.toBeInstanceOf(UnrecoverableError);
      [row] = await database.db.select().from(citas).where(eq(citas.id, cita.id));
      expect(row).toMatchObject({ syncStatus: 'failed', syncAttempts: 2 });
      expect(row?.syncError).toContain('GHL client not configured');
      expect(await changesOf()).toEqual(['cita.sync_failed']);
    } finally {
      await closeQueues(queues);
    }
  });
});
