import { applyGhlAppointments } from '@ghl-bridge/citas';
import { citas, saveGhlContact } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { sandboxLocation, test } from '@ghl-bridge/testing';
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { processContactFetch } from '../src/processors/contact-fetch.js';
import type { WorkerDeps } from '../src/processors/types.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

describe('ghl.contact-fetch', () => {
  test('names the patient from the newer state a webhook left while the appointment was uncommitted', async ({
    config,
    database,
    redis,
  }) => {
    const { db } = database;
    const location = await sandboxLocation(sandbox);
    const { contacts } = await sandbox.admin.seed({
      contacts: [{ locationId: location.locationId, firstName: 'Rosa', lastName: 'Huamán' }],
    });
    const contactId = contacts[0] ?? '';
    const log = createLogger({ name: 'test', level: 'silent' });
    const ghl = createGhl({
      config: { ...config, ghl: { ...config.ghl, apiBaseUrl: sandbox.url } },
      db,
      redis,
      log,
      metrics: createMetrics().ghl,
    });
    await ghl.store.save(location.install);

    // The appointment names a contact not held yet: the cita gets a placeholder patient.
    const applied = await db.transaction((tx) =>
      applyGhlAppointments(
        tx,
        [
          {
            id: 'appt-race-1',
            locationId: location.locationId,
            calendarId: location.calendarId,
            startAt: new Date('2030-03-04T14:00:00Z'),
            endAt: new Date('2030-03-04T14:30:00Z'),
            contactId,
            at: new Date(),
          },
        ],
        'ghl',
      ),
    );
    expect(applied.unknownContacts.map((c) => c.contactId)).toEqual([contactId]);
    // Meanwhile the contact's own webhook, newer than what GHL's GET will answer, was applied
    // in a transaction that could not see the cita yet: it was saved and named no one.
    await saveGhlContact(db, {
      id: contactId,
      locationId: location.locationId,
      name: 'Rosa Huamán Soto',
      email: 'rosa@example.com',
      phone: '+51922222222',
      data: {},
      at: new Date(Date.now() + 3_600_000),
      deleted: false,
    });

    const deps = { db, ghl: ghl.client } as unknown as WorkerDeps;
    const job = { id: 'cf-race' } as Job;
    await processContactFetch({ payload: { locationId: location.locationId, contactId }, deps, log, job });

    const [cita] = await db.select().from(citas).where(eq(citas.ghlAppointmentId, 'appt-race-1'));
    expect(cita).toMatchObject({
      patientName: 'Rosa Huamán Soto',
      patientEmail: 'rosa@example.com',
      patientPhone: '+51922222222',
    });
  });
});
