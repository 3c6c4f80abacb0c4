import { type Cita, type CitaStatus, citaStatus, isSlotHolding } from '@ghl-bridge/db';
import type { ContactFacts } from './contacts.js';
import type { ProposedSlot } from './slot-queries.js';

/*
 * How an appointment GHL holds maps onto a cita row: pure functions, no database. The writes
 * that use them are in ghl-appointments.ts.
 */

/**
 * An appointment as GHL holds it, from a webhook, a GET or reconciliation, parsed once where it
 * arrived. A field left undefined was not in what GHL sent, and keeps what we hold.
 */
export interface GhlAppointment {
  id: string;
  locationId: string;
  calendarId: string;
  startAt: Date;
  endAt: Date;
  contactId?: string | null | undefined;
  title?: string | null | undefined;
  status?: string | null | undefined;
  assignedUserId?: string | null | undefined;
  /** GHL's own `notes` field (webhooks and GET carry it). */
  notes?: string | null | undefined;
  /** The appointment's description: the clinic's notes (only GET carries it). */
  description?: string | null | undefined;
  /** When GHL says this state is from: `dateUpdated`, else the delivery's `timestamp`. */
  at?: Date | undefined;
}

const knownStatuses = new Set<string>(citaStatus.enumValues);
const statusOf = (ghl: string | null | undefined, fallback: CitaStatus): CitaStatus =>
  ghl && knownStatuses.has(ghl) ? (ghl as CitaStatus) : fallback;
export const present = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

/** A new cita for an appointment made in GHL, named after its contact when we hold it. */
export function newRow(a: GhlAppointment, contact: ContactFacts | undefined) {
  return {
    locationId: a.locationId,
    calendarId: a.calendarId,
    patientName:
      contact?.name ?? (present(a.contactId) ? `GHL contact ${a.contactId}` : (a.title ?? 'GHL appointment')),
    patientEmail: contact?.email ?? null,
    patientPhone: contact?.phone ?? null,
    ghlContactId: present(a.contactId) ? a.contactId : null,
    title: a.title ?? null,
    notes: present(a.description) ? a.description : null,
    ghlNotes: present(a.notes) ? a.notes : null,
    startAt: a.startAt.toISOString(),
    endAt: a.endAt.toISOString(),
    status: statusOf(a.status, 'confirmed'),
    assignedUserId: present(a.assignedUserId) ? a.assignedUserId : null,
    ghlAppointmentId: a.id,
    ghlDateUpdated: a.at?.toISOString() ?? null,
  };
}

/** Staff changes are waiting for cita.sync: learn only what GHL alone holds (its id, its notes). */
export function linked(cita: Cita, a: GhlAppointment): Cita {
  return {
    ...cita,
    ghlAppointmentId: a.id,
    ghlNotes: present(a.notes) ? a.notes : cita.ghlNotes,
    ghlDateUpdated: later(cita.ghlDateUpdated, a.at),
  };
}

/** GHL's state wins; the buffer we booked with moves with the end; empty never wipes ours. */
export function mirrored(cita: Cita, a: GhlAppointment, contact: ContactFacts | undefined): Cita {
  const contactChanged = present(a.contactId) && a.contactId !== cita.ghlContactId;
  // We send `title ?? patient name` as GHL's title: that coming back is no change of title.
  const title = present(a.title) && a.title !== (cita.title ?? cita.patientName) ? a.title : cita.title;
  return {
    ...cita,
    calendarId: a.calendarId,
    startAt: a.startAt,
    endAt: a.endAt,
    blockedUntil: new Date(a.endAt.getTime() + (cita.blockedUntil.getTime() - cita.endAt.getTime())),
    status: statusOf(a.status, cita.status),
    title,
    notes: present(a.description) ? a.description : cita.notes,
    ghlNotes: present(a.notes) ? a.notes : cita.ghlNotes,
    assignedUserId: present(a.assignedUserId) ? a.assignedUserId : cita.assignedUserId,
    ghlContactId: present(a.contactId) ? a.contactId : cita.ghlContactId,
    patientName: contactChanged && contact?.name ? contact.name : cita.patientName,
    patientPhone: contactChanged && contact ? (contact.phone ?? cita.patientPhone) : cita.patientPhone,
    patientEmail: contactChanged && contact ? (contact.email ?? cita.patientEmail) : cita.patientEmail,
    ghlAppointmentId: a.id,
    ghlDateUpdated: later(cita.ghlDateUpdated, a.at),
    syncStatus: 'synced',
    syncError: null,
  };
}

/** The later of what we hold and what GHL says (GHL's `dateUpdated`, kept as bookkeeping). */
export function later(held: Date | null, incoming: Date | undefined): Date | null {
  return incoming && (!held || incoming > held) ? incoming : held;
}

/**
 * True when `incoming` is older than what we hold: the event must change nothing. GHL's
 * `dateUpdated` has one-second resolution, so an equal time may be a genuine later change in
 * the same second; it is applied (duplicates never get here: the webhook dedup stops them).
 */
export function isStale(incoming: Date | undefined, held: Date | null): boolean {
  return incoming !== undefined && held !== null && incoming.getTime() < held.getTime();
}

export function slotOf(
  i: number,
  row: {
    locationId: string;
    calendarId: string;
    assignedUserId: string | null;
    startAt: Date | string;
    endAt: Date | string;
    blockedUntil?: Date;
    status: CitaStatus;
    deletedAt?: Date | null;
  },
  excludeId: string | undefined,
): ProposedSlot | undefined {
  if (!isSlotHolding(row.status) || row.deletedAt) return undefined;
  const startAt = new Date(row.startAt);
  return {
    i,
    locationId: row.locationId,
    calendarId: row.calendarId,
    assignedUserId: row.assignedUserId,
    startAt,
    blockedUntil: row.blockedUntil ?? new Date(row.endAt),
    excludeId,
  };
}
