import { type Cita, citaStatus, citaSyncStatus } from '@ghl-bridge/db';
import { formatInZone } from '@ghl-bridge/zoned-time';
import { z } from 'zod';

/**
 * A cita as the staff API, the change feed and RV3's webhooks show it: times in the
 * location's zone with its offset, conflicts named.
 */
export const citaJson = z.object({
  id: z.uuid(),
  external_id: z.string().nullable().describe("RV3's own id for the cita, unique per location"),
  location_id: z.string(),
  calendar_id: z.string(),
  patient: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }),
  ghl_contact_id: z.string().nullable(),
  title: z.string().nullable(),
  notes: z
    .string()
    .nullable()
    .describe("The clinic's notes; GHL holds them as the appointment's description"),
  ghl_notes: z.string().nullable().describe("GHL's own notes field, as GHL last sent it (read-only)"),
  start: z.string().describe('ISO-8601 with the location offset'),
  end: z.string(),
  time_zone: z.string(),
  status: z.enum(citaStatus.enumValues),
  assigned_user_id: z.string().nullable(),
  conflict: z
    .object({ with: z.array(z.uuid()) })
    .nullable()
    .describe('Set when the cita overlaps other active citas (a booking GHL accepted); null otherwise'),
  ghl_appointment_id: z.string().nullable(),
  sync_status: z.enum(citaSyncStatus.enumValues),
  sync_error: z.string().nullable(),
  sync_attempts: z.number().int(),
  source: z.enum(['rv3', 'ghl']),
  version: z
    .number()
    .int()
    .describe(
      "The booking's version: staff edits and changes made in GHL raise it, sync results and conflict flags do not (order changes by their `position`)",
    ),
  deleted_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CitaJson = z.infer<typeof citaJson>;

export function toCitaJson(cita: Cita, settings: { timeZone: string }): CitaJson {
  const zone = settings.timeZone;
  const at = (date: Date) => formatInZone(date, zone);
  return {
    id: cita.id,
    external_id: cita.externalId,
    location_id: cita.locationId,
    calendar_id: cita.calendarId,
    patient: { name: cita.patientName, phone: cita.patientPhone, email: cita.patientEmail },
    ghl_contact_id: cita.ghlContactId,
    title: cita.title,
    notes: cita.notes,
    ghl_notes: cita.ghlNotes,
    start: at(cita.startAt),
    end: at(cita.endAt),
    time_zone: zone,
    status: cita.status,
    assigned_user_id: cita.assignedUserId,
    conflict: cita.conflictWith.length > 0 ? { with: [...cita.conflictWith] } : null,
    ghl_appointment_id: cita.ghlAppointmentId,
    sync_status: cita.syncStatus,
    sync_error: cita.syncError,
    sync_attempts: cita.syncAttempts,
    source: cita.source,
    version: cita.version,
    deleted_at: cita.deletedAt ? at(cita.deletedAt) : null,
    created_at: at(cita.createdAt),
    updated_at: at(cita.updatedAt),
  };
}
