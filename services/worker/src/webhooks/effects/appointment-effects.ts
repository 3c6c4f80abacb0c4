import { type Cita, citaStatus, citas } from '@ghl-bridge/db';
import { UnrecoverableError } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { BatchEffect, EffectStatus, SingleEffect, Transaction } from '../webhook-effect.js';
import { eventTime, isStale } from './event-time.js';

// AppointmentCreate / Update / Delete share one payload (shared/ghl-examples/webhooks).
const appointmentEvent = z.looseObject({
  locationId: z.string().min(1),
  timestamp: z.string().optional(),
  appointment: z.looseObject({
    id: z.string().min(1),
    calendarId: z.string().min(1),
    contactId: z.string().nullish(),
    title: z.string().nullish(),
    appointmentStatus: z.string().nullish(),
    assignedUserId: z.string().nullish(),
    notes: z.string().nullish(),
    startTime: z.iso.datetime({ offset: true }),
    endTime: z.iso.datetime({ offset: true }),
    dateUpdated: z.string().nullish(),
  }),
});
type AppointmentEvent = z.infer<typeof appointmentEvent>;

const knownStatuses = new Set<string>(citaStatus.enumValues);

/** The cita an appointment event may change: its GHL id, and the slot an echo is matched by. */
export function appointmentKeys(event: Record<string, unknown>): string[] {
  const a = (event.appointment ?? {}) as Record<string, unknown>;
  // Instants, not strings: `…Z` and `…+00:00` are one slot.
  const slot = [
    event.locationId,
    a.calendarId,
    Date.parse(String(a.startTime)),
    Date.parse(String(a.endTime)),
  ];
  return [`appointment:${String(a.id)}`, `slot:${slot.join('|')}`];
}

/**
 * Create and Update are the same question: make the cita match GHL, unless we hold newer state.
 * Asked for a whole batch at once: one locking read finds every target, then at most one insert
 * and two updates write the answers.
 */
export const upsertAppointments: BatchEffect = {
  async applyAll(tx, raws) {
    const events = raws.map(parse);
    const targets = await lockTargets(tx, events);
    const inserts: GhlCitaRow[] = [];
    const links: { id: string; ghlId: string; ghlDateUpdated: string | null }[] = [];
    const updates: Record<string, unknown>[] = [];
    const statuses = events.map((event, i): EffectStatus => {
      const a = event.appointment;
      const at = eventTime(a.dateUpdated, event.timestamp);
      const cita = targets.get(i);
      if (!cita) {
        inserts.push(ghlCitaRow(event, at, null));
        return 'processed';
      }
      const held = cita.ghlDateUpdatedMs === null ? null : new Date(cita.ghlDateUpdatedMs);
      if (cita.deleted || isStale(at, held)) return 'ignored';
      const ghlDateUpdated = at?.toISOString() ?? null;
      if (cita.syncStatus === 'pending' || cita.syncStatus === 'syncing') {
        // Staff changes not yet in GHL win: cita.sync is about to push them. Only learn the link,
        // which is how the echo of our own create lands on our row even before our call returns.
        links.push({ id: cita.id, ghlId: a.id, ghlDateUpdated });
        return 'processed';
      }
      updates.push({
        id: cita.id,
        ghlId: a.id,
        calendarId: a.calendarId,
        startAt: a.startTime,
        endAt: a.endTime,
        status: status(a.appointmentStatus, cita.status),
        title: a.title ?? null,
        notes: a.notes ?? null,
        assignedUserId: a.assignedUserId ?? null,
        contactId: a.contactId ?? null,
        ghlDateUpdated,
      });
      return 'processed';
    });
    await insertFromGhl(tx, inserts);
    if (links.length > 0)
      await tx.execute(sql`
        update citas c
        set ghl_appointment_id = v."ghlId", ghl_date_updated = v."ghlDateUpdated", updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb)
          as v(id uuid, "ghlId" text, "ghlDateUpdated" timestamptz)
        where c.id = v.id`);
    if (updates.length > 0)
      // GHL's fields win; the buffer we booked with stays, so blocked_until moves with the end.
      await tx.execute(sql`
        update citas c
        set ghl_appointment_id = v."ghlId", calendar_id = v."calendarId", start_at = v."startAt",
            end_at = v."endAt", blocked_until = v."endAt" + (c.blocked_until - c.end_at),
            status = v.status::cita_status, title = coalesce(v.title, c.title),
            notes = coalesce(v.notes, c.notes), assigned_user_id = v."assignedUserId",
            ghl_contact_id = coalesce(v."contactId", c.ghl_contact_id),
            ghl_date_updated = v."ghlDateUpdated", sync_status = 'synced', version = c.version + 1,
            updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as v(
          id uuid, "ghlId" text, "calendarId" text, "startAt" timestamptz, "endAt" timestamptz,
          status text, title text, notes text, "assignedUserId" text, "contactId" text,
          "ghlDateUpdated" timestamptz)
        where c.id = v.id`);
    return statuses;
  },
};

/** A delete leaves a tombstone, so a late Create or Update for the same id cannot bring it back. */
export const deleteAppointment: SingleEffect = async (tx, raw) => {
  const event = parse(raw);
  const at = eventTime(event.appointment.dateUpdated, event.timestamp);
  const [cita] = await tx
    .select()
    .from(citas)
    .where(eq(citas.ghlAppointmentId, event.appointment.id))
    .for('update');
  if (!cita) {
    await insertFromGhl(tx, [ghlCitaRow(event, at, new Date())]);
    return 'processed';
  }
  if (cita.deletedAt) return 'ignored';
  await tx
    .update(citas)
    .set({
      deletedAt: new Date(),
      ghlDateUpdated: at ?? cita.ghlDateUpdated,
      version: sql`${citas.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(citas.id, cita.id));
  return 'processed';
};

function parse(raw: Record<string, unknown>): AppointmentEvent {
  const parsed = appointmentEvent.safeParse(raw);
  // The same payload will not parse on a retry either: fail for good, kept for inspection.
  if (!parsed.success)
    throw new UnrecoverableError(`appointment webhook does not match GHL's shape: ${parsed.error.message}`);
  return parsed.data;
}

type Target = {
  id: string;
  status: Cita['status'];
  syncStatus: Cita['syncStatus'];
  deleted: boolean;
  ghlDateUpdatedMs: number | null;
};

/**
 * The cita each event is about, locked, by event index: the one linked to its GHL id, else our
 * own not-yet-linked create at the same place and time. The echo of a create we sent may arrive
 * before our call returns, so before we know its GHL id; one read answers both questions.
 */
async function lockTargets(tx: Transaction, events: AppointmentEvent[]): Promise<Map<number, Target>> {
  const wanted = events.map((event, i) => ({
    i,
    ghlId: event.appointment.id,
    locationId: event.locationId,
    calendarId: event.appointment.calendarId,
    startAt: event.appointment.startTime,
    endAt: event.appointment.endTime,
  }));
  const rows = await tx.execute<Target & { i: number }>(sql`
    select e.i, t.id, t.status, t.sync_status as "syncStatus", t.deleted_at is not null as deleted,
           (extract(epoch from t.ghl_date_updated) * 1000)::float8 as "ghlDateUpdatedMs"
    from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as e(
      i int, "ghlId" text, "locationId" text, "calendarId" text, "startAt" timestamptz, "endAt" timestamptz)
    cross join lateral (
      select c.* from citas c
      where c.ghl_appointment_id = e."ghlId"
         or (c.location_id = e."locationId" and c.calendar_id = e."calendarId"
             and c.start_at = e."startAt" and c.end_at = e."endAt" and c.source = 'rv3'
             and c.ghl_appointment_id is null and c.deleted_at is null
             and c.sync_status in ('pending', 'syncing'))
      -- The linked cita wins over an echo candidate.
      order by c.ghl_appointment_id is null
      limit 1
      for update
    ) t`);
  return new Map(rows.map(({ i, ...target }) => [i, target]));
}

type GhlCitaRow = ReturnType<typeof ghlCitaRow>;

function ghlCitaRow(event: AppointmentEvent, at: Date | undefined, deletedAt: Date | null) {
  const a = event.appointment;
  return {
    locationId: event.locationId,
    calendarId: a.calendarId,
    contactId: a.contactId ?? null,
    title: a.title ?? null,
    notes: a.notes ?? null,
    startAt: a.startTime,
    endAt: a.endTime,
    status: status(a.appointmentStatus, 'confirmed'),
    assignedUserId: a.assignedUserId ?? null,
    ghlId: a.id,
    ghlDateUpdated: at?.toISOString() ?? null,
    deletedAt: deletedAt?.toISOString() ?? null,
  };
}

/** New citas for appointments made in GHL, named after their contact when we know it. */
async function insertFromGhl(tx: Transaction, rows: GhlCitaRow[]) {
  if (rows.length === 0) return;
  try {
    await tx.execute(sql`
      insert into citas (location_id, calendar_id, patient_name, patient_email, patient_phone,
        ghl_contact_id, title, notes, start_at, end_at, blocked_until, status, assigned_user_id,
        ghl_appointment_id, sync_status, source, ghl_date_updated, deleted_at)
      select r."locationId", r."calendarId",
        coalesce(k.name, r.title, 'GHL contact ' || coalesce(r."contactId", 'unknown')), k.email, k.phone,
        r."contactId", r.title, r.notes, r."startAt", r."endAt", r."endAt", r.status::cita_status,
        r."assignedUserId", r."ghlId", 'synced', 'ghl', r."ghlDateUpdated", r."deletedAt"
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        "locationId" text, "calendarId" text, "contactId" text, title text, notes text,
        "startAt" timestamptz, "endAt" timestamptz, status text, "assignedUserId" text, "ghlId" text,
        "ghlDateUpdated" timestamptz, "deletedAt" timestamptz)
      left join ghl_contacts k on k.id = r."contactId"`);
  } catch (error) {
    if (pgErrorCode(error) === '23P01') {
      // GHL holds a booking that overlaps an active cita here: a person must choose. The event
      // stays failed (payload kept) and can be replayed once the clash is resolved.
      const [row] = rows;
      throw new UnrecoverableError(
        rows.length === 1 && row
          ? `GHL appointment ${row.ghlId} overlaps an active cita on calendar ${row.calendarId}`
          : `one of ${rows.length} GHL appointments overlaps an active cita`,
      );
    }
    throw error;
  }
}

function status(ghlStatus: string | null | undefined, fallback: Cita['status']): Cita['status'] {
  return ghlStatus && knownStatuses.has(ghlStatus) ? (ghlStatus as Cita['status']) : fallback;
}

/** drizzle wraps driver errors; the Postgres SQLSTATE sits on the error or its cause. */
function pgErrorCode(error: unknown): string | undefined {
  const { code, cause } = error as { code?: string; cause?: { code?: string } };
  return code ?? cause?.code;
}
