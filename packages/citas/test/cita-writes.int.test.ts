import { citas, lockCita } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  applyContactToCitas,
  applyGhlAppointments,
  changeStaffCita,
  createStaffCita,
  deleteGhlAppointments,
  recordSyncFailed,
  recordSyncSucceeded,
  SlotTakenError,
} from '../src/index.js';
import { at, changesOf, ghlAppointment, staffValues, uniqueCalendar } from './citas-fixtures.js';

describe('every write to a cita appends exactly one change, in the same transaction', () => {
  test('a staff booking, its move, its sync result and its cancel', async ({ database }) => {
    const { db } = database;
    const cita = await db.transaction((tx) => createStaffCita(tx, staffValues(uniqueCalendar())));
    await db.transaction(async (tx) => {
      const current = await lockCita(tx, cita.id);
      if (!current) throw new Error('cita gone');
      await changeStaffCita(tx, current, {
        startAt: at('2030-03-04T15:00:00Z'),
        endAt: at('2030-03-04T15:30:00Z'),
        blockedUntil: at('2030-03-04T15:30:00Z'),
      });
    });
    await recordSyncSucceeded(db, cita.id, 2, { ghlAppointmentId: 'appt_synced_1', attempts: 1 });
    await db.transaction(async (tx) => {
      const current = await lockCita(tx, cita.id);
      if (!current) throw new Error('cita gone');
      await changeStaffCita(tx, current, { status: 'cancelled' });
    });
    await recordSyncFailed(db, cita.id, 3, 'GHL answered 400: nope', 20);

    const changes = await changesOf(db, cita.id);
    expect(changes.map((c) => [c.kind, c.origin])).toEqual([
      ['cita.created', 'rv3'],
      ['cita.updated', 'rv3'],
      ['cita.synced', 'ghl'],
      ['cita.cancelled', 'rv3'],
      ['cita.sync_failed', 'ghl'],
    ]);
    expect(changes[1]?.changed).toEqual(['start', 'end']);
    expect(changes[2]?.changed).toEqual(['ghl_appointment_id', 'sync_status']);
    // Each change holds the cita as it was right after that write.
    expect(changes.map((c) => (c.cita as { version: number }).version)).toEqual([1, 2, 2, 3, 3]);
    expect((changes[4]?.cita as { sync_error?: string } | undefined)?.sync_error).toBe(
      'GHL answered 400: nope',
    );
  });

  test('GHL creates, updates and deletes; a write that changes nothing visible appends nothing', async ({
    database,
  }) => {
    const { db } = database;
    const appointment = ghlAppointment(uniqueCalendar(), { at: at('2026-01-01T00:00:00Z') });
    await db.transaction((tx) => applyGhlAppointments(tx, [appointment], 'ghl'));
    const [cita] = await db.select().from(citas).where(eq(citas.ghlAppointmentId, appointment.id));
    if (!cita) throw new Error('not mirrored');
    // The same state again, newer: only GHL's dateUpdated moves, which the API does not show.
    const again = await db.transaction((tx) =>
      applyGhlAppointments(tx, [{ ...appointment, at: at('2026-01-01T00:01:00Z') }], 'ghl'),
    );
    expect(again.outcomes).toEqual(['unchanged']);
    await db.transaction((tx) =>
      applyGhlAppointments(
        tx,
        [{ ...appointment, title: 'Control', at: at('2026-01-01T00:02:00Z') }],
        'reconcile',
      ),
    );
    await db.transaction((tx) => deleteGhlAppointments(tx, [{ ...appointment }], 'ghl'));
    const changes = await changesOf(db, cita.id);
    expect(changes.map((c) => [c.kind, c.origin, c.changed.join(',')])).toEqual([
      ['cita.created', 'ghl', expect.any(String)],
      ['cita.updated', 'reconcile', 'title'],
      ['cita.deleted', 'ghl', 'deleted_at'],
    ]);
  });

  test('deletes in one call: a held cita is deleted, an unseen one leaves a tombstone, another location is left alone', async ({
    database,
  }) => {
    const { db } = database;
    const calendarId = uniqueCalendar();
    const held = ghlAppointment(calendarId, { at: at('2026-01-01T00:00:00Z') });
    const theirs = ghlAppointment(calendarId, {
      locationId: 'loc_other',
      startAt: at('2030-03-04T16:00:00Z'),
      endAt: at('2030-03-04T16:30:00Z'),
    });
    await db.transaction((tx) => applyGhlAppointments(tx, [held, theirs], 'ghl'));
    const unseen = ghlAppointment(calendarId, {
      startAt: at('2030-03-04T18:00:00Z'),
      endAt: at('2030-03-04T18:30:00Z'),
    });
    const deletedAt = at('2026-01-02T00:00:00Z');
    const outcomes = await db.transaction((tx) =>
      deleteGhlAppointments(
        tx,
        [
          { ...held, at: deletedAt },
          { ...unseen, at: deletedAt },
          { ...theirs, locationId: 'loc_citas' },
        ],
        'ghl',
      ),
    );
    expect(outcomes).toEqual(['updated', 'created', 'ignored']);
    const rowOf = async (ghlId: string) =>
      (await db.select().from(citas).where(eq(citas.ghlAppointmentId, ghlId)))[0];
    expect(await rowOf(held.id)).toMatchObject({ version: 2, ghlDateUpdated: deletedAt });
    expect((await rowOf(held.id))?.deletedAt).toBeInstanceOf(Date);
    // The tombstone: a late create of the same appointment finds it and stays deleted.
    expect(await rowOf(unseen.id)).toMatchObject({ source: 'ghl', ghlDateUpdated: deletedAt });
    expect((await rowOf(unseen.id))?.deletedAt).toBeInstanceOf(Date);
    expect((await rowOf(theirs.id))?.deletedAt).toBeNull();
    const heldId = (await rowOf(held.id))?.id ?? '';
    expect((await changesOf(db, heldId)).map((c) => c.kind)).toEqual(['cita.created', 'cita.deleted']);
  });

  test('a contact update names the patient on its GHL citas and fills only what RV3 left empty', async ({
    database,
  }) => {
    const { db } = database;
    const calendarId = uniqueCalendar();
    const fromGhl = ghlAppointment(calendarId, { contactId: 'contact_w1' });
    await db.transaction((tx) => applyGhlAppointments(tx, [fromGhl], 'ghl'));
    const ours = await db.transaction((tx) =>
      createStaffCita(
        tx,
        staffValues(calendarId, {
          ghlContactId: 'contact_w1',
          patientEmail: null,
          startAt: at('2030-03-04T16:00:00Z'),
          endAt: at('2030-03-04T16:30:00Z'),
          blockedUntil: at('2030-03-04T16:30:00Z'),
        }),
      ),
    );
    const contact = {
      id: 'contact_w1',
      locationId: 'loc_citas',
      name: 'María Pérez',
      email: 'maria@example.com',
      phone: '+51911111111',
    };
    expect(await db.transaction((tx) => applyContactToCitas(tx, contact, 'ghl'))).toBe(2);
    const [ghlCita] = await db.select().from(citas).where(eq(citas.ghlAppointmentId, fromGhl.id));
    const [rv3Cita] = await db.select().from(citas).where(eq(citas.id, ours.id));
    expect(ghlCita).toMatchObject({ patientName: 'María Pérez', patientEmail: 'maria@example.com' });
    // RV3 owns its own patient: its name and phone stay, its missing email is filled.
    expect(rv3Cita).toMatchObject({
      patientName: 'Ana Quispe',
      patientPhone: '+51987654321',
      patientEmail: 'maria@example.com',
    });
    expect((await changesOf(db, ours.id)).map((c) => [c.kind, c.changed.join(',')])).toEqual([
      ['cita.created', expect.any(String)],
      ['cita.updated', 'patient'],
    ]);
    // The same contact again changes nothing and appends nothing.
    expect(await db.transaction((tx) => applyContactToCitas(tx, contact, 'ghl'))).toBe(0);
  });
});

describe('what GHL accepted is stored; overlaps are conflicts, flagged on both sides', () => {
  test('a GHL booking over a staff cita, a zero-length one and an unassigned one', async ({ database }) => {
    const { db } = database;
    const calendarId = uniqueCalendar();
    const staff = await db.transaction((tx) => createStaffCita(tx, staffValues(calendarId)));
    const over = ghlAppointment(calendarId, {
      assignedUserId: 'user_1',
      startAt: at('2030-03-04T14:15:00Z'),
      endAt: at('2030-03-04T14:45:00Z'),
    });
    // GHL's own published example: start = end.
    const zero = ghlAppointment(calendarId, {
      startAt: at('2030-03-04T14:10:00Z'),
      endAt: at('2030-03-04T14:10:00Z'),
    });
    // No one assigned: it stands for the whole calendar, so it meets user_2's cita as well.
    const unassigned = ghlAppointment(calendarId, {
      assignedUserId: null,
      startAt: at('2030-03-04T18:00:00Z'),
      endAt: at('2030-03-04T18:30:00Z'),
    });
    const user2 = await db.transaction((tx) =>
      createStaffCita(
        tx,
        staffValues(calendarId, {
          assignedUserId: 'user_2',
          startAt: at('2030-03-04T18:15:00Z'),
          endAt: at('2030-03-04T18:45:00Z'),
          blockedUntil: at('2030-03-04T18:45:00Z'),
        }),
      ),
    );
    const result = await db.transaction((tx) => applyGhlAppointments(tx, [over, zero, unassigned], 'ghl'));
    expect(result.outcomes).toEqual(['created', 'created', 'created']);

    const byGhlId = async (id: string) =>
      (await db.select().from(citas).where(eq(citas.ghlAppointmentId, id)))[0];
    const overCita = await byGhlId(over.id);
    const zeroCita = await byGhlId(zero.id);
    const unassignedCita = await byGhlId(unassigned.id);
    const [staffNow] = await db.select().from(citas).where(eq(citas.id, staff.id));
    const [user2Now] = await db.select().from(citas).where(eq(citas.id, user2.id));
    expect(overCita?.conflictWith).toEqual([staff.id]);
    expect(staffNow?.conflictWith).toEqual([overCita?.id]);
    expect(zeroCita).toMatchObject({ conflictWith: [], deletedAt: null });
    expect(zeroCita?.startAt.getTime()).toBe(zeroCita?.endAt.getTime());
    expect(unassignedCita?.conflictWith).toEqual([user2.id]);
    expect(user2Now?.conflictWith).toEqual([unassignedCita?.id]);
    // The staff side heard of it: a cita.conflict change.
    expect((await changesOf(db, staff.id)).map((c) => c.kind)).toEqual(['cita.created', 'cita.conflict']);

    // Cancelled in GHL: the conflict is gone from both sides.
    await db.transaction((tx) =>
      applyGhlAppointments(tx, [{ ...over, status: 'cancelled', at: new Date(Date.now() + 1000) }], 'ghl'),
    );
    const [staffAfter] = await db.select().from(citas).where(eq(citas.id, staff.id));
    expect(staffAfter?.conflictWith).toEqual([]);
  });

  test('staff bookings are still refused on any active cita, and Postgres decides between two', async ({
    database,
  }) => {
    const { db } = database;
    const calendarId = uniqueCalendar();
    await db.transaction((tx) =>
      applyGhlAppointments(tx, [ghlAppointment(calendarId, { assignedUserId: null })], 'ghl'),
    );
    await expect(db.transaction((tx) => createStaffCita(tx, staffValues(calendarId)))).rejects.toBeInstanceOf(
      SlotTakenError,
    );
    const later = {
      startAt: at('2030-03-05T14:00:00Z'),
      endAt: at('2030-03-05T14:30:00Z'),
      blockedUntil: at('2030-03-05T14:30:00Z'),
    };
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        db.transaction((tx) => createStaffCita(tx, staffValues(calendarId, later))),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
