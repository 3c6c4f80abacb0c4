import type { GhlClient } from '@ghl-bridge/ghl';
import type { CitaSync, CitaSyncRequest } from './cita-sync.js';
import { toGhlAppointmentBody } from './ghl-appointment-body.js';

/**
 * The GHL half of `cita.sync`: the patient as a GHL contact (upsert by email/phone, which is
 * idempotent), then the appointment created once and updated after. The ids GHL gives are
 * stored by the caller in the same breath as the result; a create whose answer was lost is
 * found again before creating anew, so a cita never makes two GHL appointments.
 */
export function createGhlCitaSync(ghl: GhlClient): CitaSync {
  return async (request, log) => {
    const { cita } = request;
    let contactId = cita.ghlContactId;
    if (!contactId) {
      const { contact } = await ghl.upsertContact({
        locationId: cita.locationId,
        name: cita.patientName,
        email: cita.patientEmail ?? undefined,
        phone: cita.patientPhone ?? undefined,
        source: 'ghl-bridge',
      });
      contactId = contact.id;
    }
    const body = toGhlAppointmentBody({ ...cita, ghlContactId: contactId }, request.settings);

    const existingId = cita.ghlAppointmentId ?? (await findOurCreate(ghl, request, contactId));
    if (existingId) {
      const { locationId: _location, contactId: _contact, ...patch } = body;
      await ghl.updateAppointment(cita.locationId, existingId, patch);
      log.debug({ citaId: cita.id, ghlAppointmentId: existingId }, 'GHL appointment updated');
      return { ghlAppointmentId: existingId, ghlContactId: contactId };
    }
    const created = await ghl.createAppointment({ ...body, contactId });
    return { ghlAppointmentId: created.id, ghlContactId: contactId };
  };
}

/**
 * A create whose answer we never stored (the process died, the connection dropped after GHL
 * acted) is still in GHL: on a retry, or for a later version whose predecessor may have tried,
 * look for it at the cita's calendar and time before creating again.
 */
async function findOurCreate(ghl: GhlClient, { cita, attempt }: CitaSyncRequest, contactId: string) {
  if (attempt <= 1 && cita.version <= 1) return undefined;
  const events = await ghl.listEvents(cita.locationId, {
    calendarId: cita.calendarId,
    startMs: cita.startAt.getTime(),
    endMs: cita.endAt.getTime(),
  });
  return events.find((e) => e.contactId === contactId && Date.parse(e.startTime) === cita.startAt.getTime())
    ?.id;
}
