import { type Cita, citaStatus, citaSyncStatus, type LocationSettings } from '@ghl-bridge/db';
import { z } from 'zod';
import { formatInZone } from './zoned-time.js';

/** A cita as the staff API shows it: times in the location's zone, with its offset. */
export const citaJson = z.object({
  id: z.uuid(),
  location_id: z.string(),
  calendar_id: z.string(),
  patient: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }),
  ghl_contact_id: z.string().nullable(),
  title: z.string().nullable(),
  notes: z.string().nullable(),
  start: z.string().describe('ISO-8601 with the location offset'),
  end: z.string(),
  time_zone: z.string(),
  status: z.enum(citaStatus.enumValues),
  assigned_user_id: z.string().nullable(),
  ghl_appointment_id: z.string().nullable(),
  sync_status: z.enum(citaSyncStatus.enumValues),
  sync_error: z.string().nullable(),
  sync_attempts: z.number().int(),
  source: z.enum(['rv3', 'ghl']),
  version: z.number().int(),
  deleted_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CitaJson = z.infer<typeof citaJson>;

export function toCitaJson(cita: Cita, settings: Pick<LocationSettings, 'timeZone'>): CitaJson {
  const zone = settings.timeZone;
  const at = (date: Date) => formatInZone(date, zone);
  return {
    id: cita.id,
    location_id: cita.locationId,
    calendar_id: cita.calendarId,
    patient: { name: cita.patientName, phone: cita.patientPhone, email: cita.patientEmail },
    ghl_contact_id: cita.ghlContactId,
    title: cita.title,
    notes: cita.notes,
    start: at(cita.startAt),
    end: at(cita.endAt),
    time_zone: zone,
    status: cita.status,
    assigned_user_id: cita.assignedUserId,
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

/** Shared shapes of request fields. */
export const isoWithOffset = z.iso.datetime({
  offset: true,
  message: 'must be ISO-8601 with an offset or Z',
});
export const errorJson = z.object({ error: z.string(), message: z.string() }).loose();
export const citaIdParams = z.object({ id: z.uuid({ message: 'must be a cita id (uuid)' }) });
