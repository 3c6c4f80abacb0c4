import { type Cita, citaStatus, citas, ghlContacts } from '@ghl-bridge/db';
import { UnrecoverableError } from 'bullmq';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Transaction, WebhookEffect } from '../record-webhook-event.js';
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

/** Create and Update are the same question: make the cita match GHL, unless we hold newer state. */
export const upsertAppointment: WebhookEffect = async (tx, raw) => {
  const event = parse(raw);
  const { appointment: a } = event;
  const at = eventTime(a.dateUpdated, event.timestamp);
  const cita = await targetOf(tx, event);
  if (!cita) {
    await insertFromGhl(tx, event, at, null);
    return 'processed';
  }
  if (cita.deletedAt || isStale(at, cita.ghlDateUpdated)) return 'ignored';
  if (cita.syncStatus === 'pending' || cita.syncStatus === 'syncing') {
    // Staff changes not yet in GHL win: cita.sync is about to push them. Only learn the link,
    // which is how the echo of our own create lands on our row even before our call returns.
    await tx
      .update(citas)
      .set({ ghlAppointmentId: a.id, ghlDateUpdated: at ?? null, updatedAt: new Date() })
      .where(eq(citas.id, cita.id));
    return 'processed';
  }
  const start = new Date(a.startTime);
  const end = new Date(a.endTime);
  const buffer = cita.blockedUntil.getTime() - cita.endAt.getTime();
  await tx
    .update(citas)
    .set({
      ghlAppointmentId: a.id,
      calendarId: a.calendarId,
      startAt: start,
      endAt: end,
      blockedUntil: new Date(end.getTime() + buffer),
      status: status(a.appointmentStatus, cita.status),
      title: a.title ?? cita.title,
      notes: a.notes ?? cita.notes,
      assignedUserId: a.assignedUserId ?? null,
      ghlContactId: a.contactId ?? cita.ghlContactId,
      ghlDateUpdated: at ?? null,
      syncStatus: 'synced',
      version: sql`${citas.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(citas.id, cita.id));
  return 'processed';
};

/** A delete leaves a tombstone, so a late Create or Update for the same id cannot bring it back. */
export const deleteAppointment: WebhookEffect = async (tx, raw) => {
  const event = parse(raw);
  const at = eventTime(event.appointment.dateUpdated, event.timestamp);
  const cita = await byGhlId(tx, event.appointment.id);
  if (!cita) {
    await insertFromGhl(tx, event, at, new Date());
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

async function byGhlId(tx: Transaction, ghlId: string): Promise<Cita | undefined> {
  const [cita] = await tx.select().from(citas).where(eq(citas.ghlAppointmentId, ghlId)).for('update');
  return cita;
}

/**
 * The cita this event is about, locked: the one linked to its GHL id, else our own not-yet-linked
 * create at the same place and time. The echo of a create we sent may arrive before our call
 * returns, so before we know its GHL id; one read answers both questions.
 */
async function targetOf(tx: Transaction, event: AppointmentEvent): Promise<Cita | undefined> {
  const a = event.appointment;
  const ourUnconfirmedCreate = and(
    eq(citas.locationId, event.locationId),
    eq(citas.calendarId, a.calendarId),
    eq(citas.startAt, new Date(a.startTime)),
    eq(citas.endAt, new Date(a.endTime)),
    eq(citas.source, 'rv3'),
    isNull(citas.ghlAppointmentId),
    isNull(citas.deletedAt),
    inArray(citas.syncStatus, ['pending', 'syncing']),
  );
  const [cita] = await tx
    .select()
    .from(citas)
    .where(or(eq(citas.ghlAppointmentId, a.id), ourUnconfirmedCreate))
    // The linked cita wins over an echo candidate.
    .orderBy(sql`${citas.ghlAppointmentId} is null`)
    .limit(1)
    .for('update');
  return cita;
}

async function insertFromGhl(
  tx: Transaction,
  event: AppointmentEvent,
  at: Date | undefined,
  deletedAt: Date | null,
) {
  const a = event.appointment;
  const [contact] = a.contactId
    ? await tx.select().from(ghlContacts).where(eq(ghlContacts.id, a.contactId))
    : [];
  const end = new Date(a.endTime);
  try {
    await tx.insert(citas).values({
      locationId: event.locationId,
      calendarId: a.calendarId,
      patientName: contact?.name ?? a.title ?? `GHL contact ${a.contactId ?? 'unknown'}`,
      patientEmail: contact?.email ?? null,
      patientPhone: contact?.phone ?? null,
      ghlContactId: a.contactId ?? null,
      title: a.title ?? null,
      notes: a.notes ?? null,
      startAt: new Date(a.startTime),
      endAt: end,
      blockedUntil: end,
      status: status(a.appointmentStatus, 'confirmed'),
      assignedUserId: a.assignedUserId ?? null,
      ghlAppointmentId: a.id,
      syncStatus: 'synced',
      source: 'ghl',
      ghlDateUpdated: at ?? null,
      deletedAt,
    });
  } catch (error) {
    if (pgErrorCode(error) === '23P01') {
      // GHL holds a booking that overlaps an active cita here: a person must choose. The event
      // stays failed (payload kept) and can be replayed once the clash is resolved.
      throw new UnrecoverableError(
        `GHL appointment ${a.id} overlaps an active cita on calendar ${a.calendarId}`,
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
