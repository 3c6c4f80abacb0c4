import type { Cita, CitaChangeKind } from '@ghl-bridge/db';

/** How the API names each part of a cita that a change can touch, and how to compare it. */
const FIELDS: ReadonlyArray<readonly [string, (cita: Cita) => unknown]> = [
  ['external_id', (c) => c.externalId],
  ['calendar_id', (c) => c.calendarId],
  ['patient', (c) => `${c.patientName}\u0000${c.patientPhone ?? ''}\u0000${c.patientEmail ?? ''}`],
  ['ghl_contact_id', (c) => c.ghlContactId],
  ['title', (c) => c.title],
  ['notes', (c) => c.notes],
  ['ghl_notes', (c) => c.ghlNotes],
  ['start', (c) => c.startAt.getTime()],
  ['end', (c) => c.endAt.getTime()],
  ['status', (c) => c.status],
  ['assigned_user_id', (c) => c.assignedUserId],
  ['conflict', (c) => [...c.conflictWith].sort().join(',')],
  ['ghl_appointment_id', (c) => c.ghlAppointmentId],
  ['sync_status', (c) => c.syncStatus],
  ['sync_error', (c) => c.syncError],
  ['deleted_at', (c) => c.deletedAt?.getTime() ?? null],
];

/** The API fields that differ; every field for a cita that did not exist before. */
export function changedFields(before: Cita | null, after: Cita): string[] {
  if (!before) return FIELDS.map(([name]) => name);
  return FIELDS.filter(([, read]) => read(before) !== read(after)).map(([name]) => name);
}

/** What a sync result says, when the write was one; the fields alone cannot tell it apart. */
export type SyncHint = 'cita.synced' | 'cita.sync_failed';

/**
 * The one kind a change is filed under, the most telling first: a new cita, a delete, a
 * cancel, a conflict, a sync result, else an update.
 */
export function changeKind(
  before: Cita | null,
  after: Cita,
  changed: readonly string[],
  hint?: SyncHint,
): CitaChangeKind {
  if (!before) return after.deletedAt ? 'cita.deleted' : 'cita.created';
  if (changed.includes('deleted_at') && after.deletedAt) return 'cita.deleted';
  if (changed.includes('status') && after.status === 'cancelled') return 'cita.cancelled';
  if (changed.includes('conflict') && after.conflictWith.length > 0) return 'cita.conflict';
  if (hint) return hint;
  return 'cita.updated';
}
