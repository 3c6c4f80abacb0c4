import { recordSyncSucceeded } from '@ghl-bridge/citas';
import type { Config } from '@ghl-bridge/config';
import { type Cita, citas, getLocationSettings, insertCita, updateCita } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { type SandboxLocation, sandboxLocation, type TestDatabase, test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createGhlCitaSync } from '../src/citas/ghl-cita-sync.js';

const log = createLogger({ name: 'test', level: 'silent' });
let sandbox: RunningSandbox;
let location: SandboxLocation;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: { max: 100_000 } });
  location = await sandboxLocation(sandbox);
});
afterAll(() => sandbox.close());

interface Fixtures {
  config: Config;
  database: TestDatabase;
  redis: Redis;
}

async function rig({ config, database, redis }: Fixtures) {
  const ghl = createGhl({
    config: { ...config, ghl: { ...config.ghl, apiBaseUrl: sandbox.url } },
    db: database.db,
    redis,
    log,
    metrics: createMetrics().ghl,
  });
  await ghl.store.save(location.install);
  const sync = createGhlCitaSync(ghl.client);
  // What the cita.sync processor does around it: the GHL calls, then the result stored.
  const run = async (cita: Cita, attempt = 1) => {
    const settings = await getLocationSettings(database.db, cita.locationId);
    const payload = { citaId: cita.id, version: cita.version };
    const result = await sync({ payload, cita, settings, attempt }, log);
    await recordSyncSucceeded(database.db, cita.id, cita.version, { ...result, attempts: attempt });
    return result;
  };
  return { ghl, run };
}

const reload = async (db: Fixtures['database']['db'], id: string) =>
  (await db.select().from(citas).where(eq(citas.id, id)))[0] as Cita;

describe('cita.sync against the sandbox', () => {
  test('creates the contact and appointment once, then moves and cancels the same appointment', async ({
    config,
    database,
    redis,
  }) => {
    const { run } = await rig({ config, database, redis });
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 86_400_000);
    const end = new Date(start.getTime() + 30 * 60_000);
    let cita = await insertCita(database.db, {
      locationId: location.locationId,
      calendarId: location.calendarId,
      patientName: 'Ana Quispe',
      patientEmail: 'ana.sync@example.com',
      startAt: start,
      endAt: end,
      blockedUntil: end,
      source: 'rv3',
    });
    const first = await run(cita);
    const inGhl = () =>
      sandbox.admin.appointments().then((all) => all.filter((a) => a.id === first.ghlAppointmentId));
    expect(await inGhl()).toHaveLength(1);
    const contacts = (await sandbox.admin.contacts()).filter((c) => c.email === 'ana.sync@example.com');
    expect(contacts.map((c) => c.id)).toEqual([first.ghlContactId]);

    cita = await reload(database.db, cita.id);
    expect(cita).toMatchObject({
      ghlAppointmentId: first.ghlAppointmentId,
      ghlContactId: first.ghlContactId,
    });
    const moved = new Date(start.getTime() + 3600_000);
    cita = (await updateCita(database.db, cita.id, {
      startAt: moved,
      endAt: new Date(moved.getTime() + 1800_000),
      blockedUntil: new Date(moved.getTime() + 1800_000),
    })) as Cita;
    expect((await run(cita)).ghlAppointmentId).toBe(first.ghlAppointmentId);
    cita = (await updateCita(database.db, cita.id, { status: 'cancelled' })) as Cita;
    await run(cita);

    const [appointment] = await inGhl();
    expect(appointment?.startMs).toBe(moved.getTime());
    expect(appointment?.appointmentStatus).toBe('cancelled');
    expect((await sandbox.admin.contacts()).filter((c) => c.email === 'ana.sync@example.com')).toHaveLength(
      1,
    );
  });

  test('a retry after a create whose answer was lost adopts the appointment instead of duplicating it', async ({
    config,
    database,
    redis,
  }) => {
    const { ghl, run } = await rig({ config, database, redis });
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 + 4 * 86_400_000);
    const end = new Date(start.getTime() + 30 * 60_000);
    const { contact } = await ghl.client.upsertContact({
      locationId: location.locationId,
      email: 'lost@example.com',
      name: 'Lost Answer',
    });
    // GHL created it, but the answer never reached us: our row has no GHL id and a spent attempt.
    const created = await ghl.client.createAppointment({
      locationId: location.locationId,
      calendarId: location.calendarId,
      contactId: contact.id,
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      ignoreFreeSlotValidation: true,
    });
    const cita = await insertCita(database.db, {
      locationId: location.locationId,
      calendarId: location.calendarId,
      patientName: 'Lost Answer',
      ghlContactId: contact.id,
      startAt: start,
      endAt: end,
      blockedUntil: end,
      source: 'rv3',
    });
    expect((await run(cita, 2)).ghlAppointmentId).toBe(created.id);
    const sameSlot = (await sandbox.admin.appointments()).filter((a) => a.startMs === start.getTime());
    expect(sameSlot).toHaveLength(1);
  });
});
