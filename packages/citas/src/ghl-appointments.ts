import { type Cita, citaFromRow, type Executor } from '@ghl-bridge/db';
import { sql } from 'drizzle-orm';
import { changedFields } from './changed-fields.js';
import { writeCitas } from './cita-writes.js';
import { type ContactFacts, contactsByIds } from './contacts.js';
import {
  type GhlAppointment,
  isStale,
  later,
  linked,
  mirrored,
  newRow,
  present,
  slotOf,
} from './ghl-appointment-rows.js';
import { citasOverlappingEach, type ProposedSlot } from './slot-queries.js';

export type { GhlAppointment } from './ghl-appointment-rows.js';

/** What applying one appointment came to. `ignored`: stale, deleted, or another location's. */
export type GhlOutcome = 'created' | 'updated' | 'unchanged' | 'ignored';

export interface GhlApplyResult {
  outcomes: GhlOutcome[];
  /**
   * Contacts named by these appointments that we do not hold yet: fetch them from GHL. `index`
   * is the first appointment (by position) that named each.
   */
  unknownContacts: Array<{ locationId: string; contactId: string; index: number }>;
}

/**
 * Makes citas match what GHL holds, for a batch of appointments that share no cita (the
 * caller keeps two events about one appointment or slot apart). What GHL accepted is a fact:
 * it is stored whatever it overlaps, lasts or lies in, and overlaps are flagged as conflicts.
 * Staff changes not yet pushed to GHL win over GHL's copy until cita.sync has sent them; an
 * empty value from GHL never wipes ours. A few statements for the whole batch.
 */
export async function applyGhlAppointments(
  tx: Executor,
  appointments: readonly GhlAppointment[],
  origin: 'ghl' | 'reconcile',
): Promise<GhlApplyResult> {
  const contactIds = appointments.flatMap((a) => (present(a.contactId) ? [a.contactId] : []));
  // Independent reads: issued together, the transaction's connection pipelines them.
  const [targets, contacts] = await Promise.all([
    lockTargets(tx, appointments),
    contactsByIds(tx, contactIds),
  ]);
  const unknownContacts = new Map<string, { locationId: string; contactId: string; index: number }>();
  const wantContact = (a: GhlAppointment, index: number): ContactFacts | undefined => {
    if (!present(a.contactId)) return undefined;
    const contact = contacts.get(a.contactId);
    if (!contact && !unknownContacts.has(a.contactId))
      unknownContacts.set(a.contactId, { locationId: a.locationId, contactId: a.contactId, index });
    return contact;
  };

  const outcomes: GhlOutcome[] = [];
  const inserts: Array<ReturnType<typeof newRow> & { i: number }> = [];
  const updates: Array<{ i: number; before: Cita; row: Cita; visible: boolean; bump: boolean }> = [];
  for (const [i, a] of appointments.entries()) {
    const target = targets.get(i);
    if (target === 'foreign') {
      outcomes.push('ignored');
      continue;
    }
    if (!target) {
      inserts.push({ i, ...newRow(a, wantContact(a, i)) });
      outcomes.push('created');
      continue;
    }
    if (target.deletedAt || isStale(a.at, target.ghlDateUpdated)) {
      outcomes.push('ignored');
      continue;
    }
    const row =
      target.syncStatus === 'pending' || target.syncStatus === 'syncing'
        ? linked(target, a)
        : mirrored(target, a, wantContact(a, i));
    // Visible: what a change row would name (GHL's dateUpdated alone is bookkeeping).
    const visible = changedFields(target, row).length > 0;
    updates.push({ i, before: target, row, visible, bump: visible && row.syncStatus === 'synced' });
    outcomes.push(visible ? 'updated' : 'unchanged');
  }

  // Overlaps are known before writing, so a booking GHL accepted is stored flagged rather than
  // refused by citas_no_overlap; settling conflicts afterwards flags the other side too.
  const proposed: ProposedSlot[] = [
    ...inserts.map((r) => slotOf(r.i, r, undefined)),
    ...updates.map((u) => slotOf(u.i, u.row, u.row.id)),
  ].filter((slot): slot is ProposedSlot => slot !== undefined);
  const overlaps = await citasOverlappingEach(tx, proposed);

  await writeCitas(tx, origin, async (writes) => {
    if (inserts.length > 0) {
      const rows = inserts.map((r) => ({ ...r, conflictWith: overlaps.get(r.i) ?? [] }));
      const added = await tx.execute<{ id: string }>(sql`
        insert into citas (location_id, calendar_id, patient_name, patient_email, patient_phone,
          ghl_contact_id, title, notes, ghl_notes, start_at, end_at, blocked_until, status,
          assigned_user_id, ghl_appointment_id, sync_status, source, ghl_date_updated, conflict_with)
        select r."locationId", r."calendarId", r."patientName", r."patientEmail", r."patientPhone",
          r."ghlContactId", r.title, r.notes, r."ghlNotes", r."startAt", r."endAt", r."endAt",
          r.status::cita_status, r."assignedUserId", r."ghlAppointmentId", 'synced', 'ghl',
          r."ghlDateUpdated", r."conflictWith"
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
          "locationId" text, "calendarId" text, "patientName" text, "patientEmail" text,
          "patientPhone" text, "ghlContactId" text, title text, notes text, "ghlNotes" text,
          "startAt" timestamptz, "endAt" timestamptz, status text, "assignedUserId" text,
          "ghlAppointmentId" text, "ghlDateUpdated" timestamptz, "conflictWith" uuid[])
        returning id`);
      for (const { id } of added) writes.touch(id, null);
    }
    if (updates.length > 0) {
      const rows = updates.map(({ i, row, visible, bump }) => ({
        ...row,
        visible,
        bump,
        conflictWith: overlaps.get(i) ?? row.conflictWith,
      }));
      await tx.execute(sql`
        update citas c
        set calendar_id = v."calendarId", start_at = v."startAt", end_at = v."endAt",
            blocked_until = v."blockedUntil", status = v.status::cita_status, title = v.title,
            notes = v.notes, ghl_notes = v."ghlNotes", assigned_user_id = v."assignedUserId",
            ghl_contact_id = v."ghlContactId", patient_name = v."patientName",
            patient_phone = v."patientPhone", patient_email = v."patientEmail",
            ghl_appointment_id = v."ghlAppointmentId", ghl_date_updated = v."ghlDateUpdated",
            sync_status = v."syncStatus"::cita_sync_status, sync_error = v."syncError",
            conflict_with = v."conflictWith", version = c.version + v.bump::int,
            updated_at = case when v.visible then now() else c.updated_at end
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
          id uuid, "calendarId" text, "startAt" timestamptz, "endAt" timestamptz,
          "blockedUntil" timestamptz, status text, title text, notes text, "ghlNotes" text,
          "assignedUserId" text, "ghlContactId" text, "patientName" text, "patientPhone" text,
          "patientEmail" text, "ghlAppointmentId" text, "ghlDateUpdated" timestamptz,
          "syncStatus" text, "syncError" text, "conflictWith" uuid[], visible boolean, bump boolean)
        where c.id = v.id`);
      for (const { before } of updates) writes.touch(before.id, before);
    }
  });
  return { outcomes, unknownContacts: [...unknownContacts.values()] };
}

/** A delete GHL reported, or reconciliation found: the cita's tombstone. */
export interface GhlDeletion {
  id: string;
  locationId: string;
  calendarId: string;
  startAt: Date;
  endAt: Date;
  at?: Date | undefined;
}

/**
 * Leaves a tombstone, so a late create or update of the same appointment cannot bring it back;
 * a delete of an appointment we never saw leaves one too. Deletes win over any state.
 */
export async function deleteGhlAppointments(
  tx: Executor,
  deletions: readonly GhlDeletion[],
  origin: 'ghl' | 'reconcile',
): Promise<GhlOutcome[]> {
  const targets = await lockTargets(tx, deletions, { echoes: false });
  const outcomes: GhlOutcome[] = [];
  const tombstones: Array<ReturnType<typeof newRow>> = [];
  const deletes: Array<{ before: Cita; ghlDateUpdated: string | null }> = [];
  for (const [i, d] of deletions.entries()) {
    const target = targets.get(i);
    if (target === 'foreign' || target?.deletedAt) {
      outcomes.push('ignored');
    } else if (!target) {
      tombstones.push(newRow(d, undefined));
      outcomes.push('created');
    } else {
      deletes.push({
        before: target,
        ghlDateUpdated: later(target.ghlDateUpdated, d.at)?.toISOString() ?? null,
      });
      outcomes.push('updated');
    }
  }
  await writeCitas(tx, origin, async (writes) => {
    if (tombstones.length > 0) {
      const added = await tx.execute<{ id: string }>(sql`
        insert into citas (location_id, calendar_id, patient_name, start_at, end_at, blocked_until,
          status, ghl_appointment_id, sync_status, source, ghl_date_updated, deleted_at)
        select r."locationId", r."calendarId", r."patientName", r."startAt", r."endAt", r."endAt",
          'confirmed', r."ghlAppointmentId", 'synced', 'ghl', r."ghlDateUpdated", now()
        from jsonb_to_recordset(${JSON.stringify(tombstones)}::jsonb) as r(
          "locationId" text, "calendarId" text, "patientName" text, "startAt" timestamptz,
          "endAt" timestamptz, "ghlAppointmentId" text, "ghlDateUpdated" timestamptz)
        returning id`);
      for (const { id } of added) writes.touch(id, null);
    }
    if (deletes.length > 0) {
      const rows = deletes.map(({ before, ghlDateUpdated }) => ({ id: before.id, ghlDateUpdated }));
      await tx.execute(sql`
        update citas c set deleted_at = now(), version = c.version + 1, updated_at = now(),
          ghl_date_updated = v."ghlDateUpdated"
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, "ghlDateUpdated" timestamptz)
        where c.id = v.id`);
      for (const { before } of deletes) writes.touch(before.id, before);
    }
  });
  return outcomes;
}

type Target = Cita | 'foreign';

/**
 * The cita each appointment is about, locked, by position: the one linked to its GHL id in
 * its location, else our own not-yet-linked create at the same place and time (the echo of a
 * create we sent may arrive before our call returns). An id held by another location is
 * `foreign`: an event for one location never touches another's cita.
 */
async function lockTargets(
  tx: Executor,
  appointments: readonly Pick<GhlAppointment, 'id' | 'locationId' | 'calendarId' | 'startAt' | 'endAt'>[],
  { echoes = true } = {},
): Promise<Map<number, Target>> {
  const wanted = appointments.map((a, i) => ({
    i,
    ghlId: a.id,
    locationId: a.locationId,
    calendarId: a.calendarId,
    startAt: a.startAt.toISOString(),
    endAt: a.endAt.toISOString(),
    echoes,
  }));
  const rows = await tx.execute<Record<string, unknown> & { i: number; foreign: boolean | null }>(sql`
    select e.i, f.foreign, t.*
    from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as e(
      i int, "ghlId" text, "locationId" text, "calendarId" text, "startAt" timestamptz,
      "endAt" timestamptz, echoes boolean)
    left join lateral (
      select c.* from citas c
      where (c.ghl_appointment_id = e."ghlId" and c.location_id = e."locationId")
         or (e.echoes and c.location_id = e."locationId" and c.calendar_id = e."calendarId"
             and c.start_at = e."startAt" and c.end_at = e."endAt" and c.source = 'rv3'
             and c.ghl_appointment_id is null and c.deleted_at is null
             and c.sync_status in ('pending', 'syncing'))
      -- The linked cita wins over an echo candidate.
      order by c.ghl_appointment_id is null
      limit 1
      for update
    ) t on true
    left join lateral (
      select true as foreign from citas x
      where x.ghl_appointment_id = e."ghlId" and x.location_id <> e."locationId"
      limit 1
    ) f on true`);
  const targets = new Map<number, Target>();
  for (const row of rows) {
    if (row.foreign) targets.set(row.i, 'foreign');
    else if (row.id) targets.set(row.i, citaFromRow(row));
  }
  return targets;
}
