import { citas, ghlContacts, ghlInstalls, ghlTokens, outbox, webhookEvents } from '@ghl-bridge/db';
import { appointmentEvent, contactEvent, test } from '@ghl-bridge/testing';
import { UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { appointmentOf, citaFor, deliver, insertOurBooking, iso } from './webhook-test-helpers.js';

describe('appointment webhooks', () => {
  test('a GHL-created appointment becomes a synced cita from source ghl', async ({ database }) => {
    const event = appointmentEvent();
    expect(await deliver(database.db, event)).toBe('processed');
    const cita = await citaFor(database.db, appointmentOf(event).id ?? '');
    expect(cita).toMatchObject({
      source: 'ghl',
      syncStatus: 'synced',
      status: 'confirmed',
      calendarId: 'cal_test_1',
      deletedAt: null,
    });
    expect(cita?.startAt.toISOString()).toBe(appointmentOf(event).startTime);
  });

  test('a newer update changes the cita; an older one is recorded and changes nothing', async ({
    database,
  }) => {
    const created = appointmentEvent({ appointment: { dateUpdated: iso(-60_000) } });
    const a = appointmentOf(created);
    await deliver(database.db, created);
    const newer = appointmentEvent({
      type: 'AppointmentUpdate',
      appointment: { ...a, title: 'Control', dateUpdated: iso(0) },
    });
    expect(await deliver(database.db, newer)).toBe('processed');
    const older = appointmentEvent({
      type: 'AppointmentUpdate',
      appointment: { ...a, title: 'Stale', dateUpdated: iso(-30_000) },
    });
    expect(await deliver(database.db, older)).toBe('ignored');
    const cita = await citaFor(database.db, a.id ?? '');
    expect(cita?.title).toBe('Control');
    const rows = await database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookId, String(older.webhookId)));
    expect(rows[0]?.status).toBe('ignored');
  });

  test('updates of one appointment applied concurrently in any order end at the newest state', async ({
    database,
  }) => {
    const created = appointmentEvent({ appointment: { dateUpdated: iso(-100_000) } });
    const a = appointmentOf(created);
    await deliver(database.db, created);
    const updates = Array.from({ length: 10 }, (_, i) =>
      appointmentEvent({
        type: 'AppointmentUpdate',
        appointment: { ...a, title: `v${i}`, dateUpdated: iso(-90_000 + i * 1000) },
      }),
    ).sort(() => Math.random() - 0.5);
    await Promise.all(updates.map((event) => deliver(database.db, event)));
    expect((await citaFor(database.db, a.id ?? ''))?.title).toBe('v9');
  });

  test('a delete leaves a tombstone that a late create cannot undo, even when it comes first', async ({
    database,
  }) => {
    const created = appointmentEvent();
    const a = appointmentOf(created);
    const deleted = appointmentEvent({ type: 'AppointmentDelete', appointment: a });
    expect(await deliver(database.db, deleted)).toBe('processed');
    expect(await deliver(database.db, created)).toBe('ignored');
    const cita = await citaFor(database.db, a.id ?? '');
    expect(cita?.deletedAt).toBeInstanceOf(Date);
  });

  test('the echo of our own create lands on our cita, even before our create call returned', async ({
    database,
  }) => {
    const event = appointmentEvent();
    const a = appointmentOf(event);
    const ours = await insertOurBooking(database.db, a, 'syncing');
    expect(await deliver(database.db, event)).toBe('processed');
    const all = await database.db
      .select()
      .from(citas)
      .where(eq(citas.startAt, new Date(a.startTime ?? '')));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: ours?.id,
      ghlAppointmentId: a.id,
      title: 'Primera consulta',
      patientName: 'Ana Quispe',
    });
  });

  test('a GHL booking that overlaps an active cita is mirrored, flagged as a conflict on both sides', async ({
    database,
  }) => {
    const first = appointmentEvent();
    await deliver(database.db, first);
    const clash = appointmentEvent({ appointment: { ...appointmentOf(first), id: 'appt_clash_1' } });
    expect(await deliver(database.db, clash)).toBe('processed');
    const a = await citaFor(database.db, appointmentOf(first).id ?? '');
    const b = await citaFor(database.db, 'appt_clash_1');
    expect(b?.conflictWith).toEqual([a?.id]);
    expect(a?.conflictWith).toEqual([b?.id]);

    // Moved apart in GHL: the conflict is gone from both.
    // Far from every other test's slot on the shared test calendar.
    const later = new Date(Date.parse(appointmentOf(first).endTime ?? '') + 400 * 86_400_000);
    await deliver(
      database.db,
      appointmentEvent({
        type: 'AppointmentUpdate',
        appointment: {
          ...appointmentOf(clash),
          startTime: later.toISOString(),
          endTime: new Date(later.getTime() + 1800_000).toISOString(),
          dateUpdated: iso(1000),
        },
      }),
    );
    expect((await citaFor(database.db, 'appt_clash_1'))?.conflictWith).toEqual([]);
    expect((await citaFor(database.db, appointmentOf(first).id ?? ''))?.conflictWith).toEqual([]);
  });

  test('a payload that does not match GHL shape fails for good', async ({ database }) => {
    const bad = {
      type: 'AppointmentCreate',
      locationId: 'loc',
      webhookId: 'bad-shape-1',
      appointment: { id: 'x' },
    };
    await expect(deliver(database.db, bad)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe('contact and install webhooks', () => {
  test('contacts are kept at their newest state and deletes leave a tombstone', async ({ database }) => {
    const created = contactEvent('ContactCreate', { timestamp: iso(-60_000) });
    await deliver(database.db, created);
    await deliver(
      database.db,
      contactEvent('ContactUpdate', { id: created.id, name: 'Ana Q.', timestamp: iso(0) }),
    );
    expect(
      await deliver(
        database.db,
        contactEvent('ContactUpdate', { id: created.id, name: 'Old', timestamp: iso(-30_000) }),
      ),
    ).toBe('ignored');
    let [contact] = await database.db
      .select()
      .from(ghlContacts)
      .where(eq(ghlContacts.id, String(created.id)));
    expect(contact).toMatchObject({ name: 'Ana Q.', email: 'ana.quispe@example.com', deletedAt: null });
    await deliver(database.db, contactEvent('ContactDelete', { id: created.id, timestamp: iso(1000) }));
    [contact] = await database.db
      .select()
      .from(ghlContacts)
      .where(eq(ghlContacts.id, String(created.id)));
    expect(contact?.deletedAt).toBeInstanceOf(Date);
  });

  test('INSTALL records the install; UNINSTALL drops the location tokens', async ({ database }) => {
    await database.db.insert(ghlTokens).values({
      resourceId: 'loc_install_1',
      userType: 'Location',
      accessTokenEnc: 'v1.x.y.z',
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const base = { appId: 'app1', companyId: 'comp1', locationId: 'loc_install_1' };
    await deliver(database.db, { type: 'INSTALL', ...base, timestamp: iso(-1000), webhookId: 'inst-1' });
    expect((await database.db.select().from(ghlInstalls))[0]).toMatchObject({
      resourceId: 'loc_install_1',
      installed: true,
    });
    // The location's token is promised to a worker job in the same transaction (outbox).
    const promised = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.jobName, 'ghl.install-location'));
    expect(promised).toEqual([
      expect.objectContaining({
        jobName: 'ghl.install-location',
        payload: { locationId: 'loc_install_1', companyId: 'comp1' },
      }),
    ]);
    await deliver(database.db, { type: 'UNINSTALL', ...base, timestamp: iso(0), webhookId: 'uninst-1' });
    expect((await database.db.select().from(ghlInstalls))[0]).toMatchObject({ installed: false });
    expect(await database.db.select().from(ghlTokens)).toEqual([]);
    // The cached access token (Redis) is dropped by a job promised in the same transaction.
    const jobs = (await database.db.select().from(outbox)).map((row) => row.jobName);
    expect(jobs.filter((name) => name !== 'ghl.contact-fetch')).toEqual([
      'ghl.install-location',
      'ghl.forget-tokens',
    ]);
  });

  test('an agency-level INSTALL promises a job that lists its locations', async ({ database }) => {
    await deliver(database.db, {
      type: 'INSTALL',
      appId: 'app1',
      companyId: 'agency-9',
      planId: 'p',
      timestamp: iso(0),
      webhookId: 'inst-agency-9',
    });
    const promised = await database.db.select().from(outbox).where(eq(outbox.jobName, 'ghl.install-company'));
    expect(promised).toEqual([expect.objectContaining({ payload: { companyId: 'agency-9' } })]);
  });
});
