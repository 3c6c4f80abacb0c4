import { citas, type Db } from '@ghl-bridge/db';
import type { GhlClient } from '@ghl-bridge/ghl';
import { eq } from 'drizzle-orm';
import type { CitaSync } from './cita-sync.js';
import { toGhlAppointmentBody } from './ghl-appointment-body.js';

/**
 * The GHL half of `cita.sync`: the patient as a GHL contact (upsert by email/phone), then the
 * appointment created once and updated after. Each id is stored as soon as GHL gives it, so a
 * retry never creates a second contact or appointment.
 */
export function createGhlCitaSync(db: Db, ghl: GhlClient): CitaSync {
  return async ({ cita, settings }, log) => {
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
      await db.update(citas).set({ ghlContactId: contactId }).where(eq(citas.id, cita.id));
    }
    const body = toGhlAppointmentBody({ ...cita, ghlContactId: contactId }, settings);

    const existingId = cita.ghlAppointmentId ?? (await findOurCreate(ghl, cita, contactId));
    if (existingId) {
      const { locationId: _location, contactId: _contact, ...patch } = body;
      await ghl.updateAppointment(cita.locationId, existingId, patch);
      log.debug({ citaId: cita.id, ghlAppointmentId: existingId }, 'GHL appointment updated');
      return { ghlAppointmentId: existingId, ghlContactId: contactId };
    }
    const created = await ghl.createAppointment({ ...body, contactId });
    // Stored before anything else can fail: losing it would create a duplicate on the retry.
    await db.update(citas).set({ ghlAppointmentId: created.id }).where(eq(citas.id, cita.id));
    return { ghlAppointmentId: created.id, ghlContactId: contactId };
  };
}

/**
 * A create whose answer we never stored (the process died, the connection dropped after GHL
 * acted) is still in GHL: look for it at the cita's calendar and time before creating again.
 */
async function findOurCreate(ghl: GhlClient, cita: Parameters<CitaSync>[0]['cita'], contactId: string) {
  if (cita.syncAttempts <= 1) return undefined;
  const events = await ghl.listEvents(cita.locationId, {
    calendarId: cita.calendarId,
    startMs: cita.startAt.getTime(),
    endMs: cita.endAt.getTime(),
  });
  return events.find((e) => e.contactId === contactId && Date.parse(e.startTime) === cita.startAt.getTime())
    ?.id;
}
