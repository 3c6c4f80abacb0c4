import type { Cita, CitaStatus, LocationSettings } from '@ghl-bridge/db';

/** The fields of GHL's create/update appointment body that ghl-bridge sets (shared/ghl-api.md §4.2). */
export interface GhlAppointmentBody {
  calendarId: string;
  locationId: string;
  /** Absent until the patient has been upserted as a GHL contact. */
  contactId?: string;
  startTime: string;
  endTime: string;
  title?: string;
  description?: string;
  appointmentStatus: GhlRequestStatus;
  assignedUserId?: string;
  toNotify: boolean;
  /** We validated the slot against the location's own rules and our no-overlap constraint. */
  ignoreFreeSlotValidation: true;
}

type GhlRequestStatus = 'new' | 'confirmed' | 'cancelled' | 'showed' | 'noshow' | 'invalid';

// GHL only sends `active` and `completed` back; its request enum lacks them.
const REQUEST_STATUS: Record<CitaStatus, GhlRequestStatus> = {
  new: 'new',
  confirmed: 'confirmed',
  cancelled: 'cancelled',
  showed: 'showed',
  noshow: 'noshow',
  invalid: 'invalid',
  active: 'confirmed',
  completed: 'showed',
};

/** Pure: what to send GHL for this version of the cita. Times go as UTC ISO instants. */
export function toGhlAppointmentBody(cita: Cita, settings: LocationSettings): GhlAppointmentBody {
  const body: GhlAppointmentBody = {
    calendarId: cita.calendarId,
    locationId: cita.locationId,
    startTime: cita.startAt.toISOString(),
    endTime: cita.endAt.toISOString(),
    appointmentStatus: REQUEST_STATUS[cita.status],
    toNotify: settings.notifyPatient,
    ignoreFreeSlotValidation: true,
  };
  if (cita.ghlContactId) body.contactId = cita.ghlContactId;
  const title = cita.title ?? cita.patientName;
  if (title) body.title = title;
  if (cita.notes) body.description = cita.notes;
  if (cita.assignedUserId) body.assignedUserId = cita.assignedUserId;
  return body;
}
