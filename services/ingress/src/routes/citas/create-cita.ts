import { createStaffCita } from '@ghl-bridge/citas';
import { findCitaByExternalId, getLocationSettings } from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { checkBookingRules } from '../../staff/booking-rules.js';
import { citaJson, errorJson, toCitaJson } from '../../staff/cita-json.js';
import {
  duplicateExternalId,
  enqueueSync,
  mapWriteError,
  promiseSync,
  retryOnDeadlock,
} from '../../staff/cita-writes.js';
import { identifier, isoWithOffset, text } from '../../staff/fields.js';
import { rememberAnswer, withIdempotency } from '../../staff/idempotency.js';
import { assignedUserFor, type CalendarDeps, locationCalendar } from '../../staff/location-calendar.js';

export const patientSchema = z
  .object({
    name: text(200)
      .transform((v) => v.trim())
      .pipe(z.string().min(1)),
    phone: text(40)
      .transform((v) => v.trim())
      .pipe(z.string().min(5))
      .optional(),
    email: z.email().max(254).optional(),
  })
  .refine((p) => p.phone !== undefined || p.email !== undefined, {
    message: 'needs a phone or an email (GHL finds the contact by them)',
  });

/** `POST /api/ghl/citas/`: book a cita; 202 once it is stored, before GHL has it. */
export const createCitaSchemas = {
  headers: z.object({ 'idempotency-key': z.string().max(255).optional() }).loose(),
  body: z
    .object({
      location_id: identifier,
      // RV3's own id for the cita, unique per location.
      external_id: identifier.optional(),
      // Defaults to the location's default calendar.
      calendar_id: identifier.optional(),
      patient: patientSchema,
      title: text(500).optional(),
      notes: text(5000).optional(),
      start: isoWithOffset,
      // Defaults to start plus the location's slot length.
      end: isoWithOffset.optional(),
      status: z.enum(['new', 'confirmed']).default('confirmed'),
      // Defaults to the calendar's first team member, as GHL assigns.
      assigned_user_id: identifier.optional(),
    })
    .strict()
    .refine((b) => b.end === undefined || Date.parse(b.start) < Date.parse(b.end), {
      message: 'must be after start',
      path: ['end'],
    }),
  response: { 202: citaJson, 400: errorJson, 401: errorJson, 403: errorJson, 409: errorJson, 422: errorJson },
};

export function createCitaRoute(app: FastifyInstance, deps: CalendarDeps): void {
  app.post('/api/ghl/citas', async (request, reply) => {
    const body = parseWith(createCitaSchemas.body, request.body, 'body');
    requireLocation(request, body.location_id);
    return withIdempotency(deps.db, request, reply, staffKey(request).id, '/api/ghl/citas', async (scope) => {
      if (body.external_id) {
        const existing = await findCitaByExternalId(deps.db, body.location_id, body.external_id);
        if (existing) throw duplicateExternalId(existing.id);
      }
      const settings = await getLocationSettings(deps.db, body.location_id);
      const calendarId = body.calendar_id ?? settings.defaultCalendarId;
      if (!calendarId)
        throw new ApiError(400, 'validation_failed', 'calendar_id is required: the location has no default', {
          details: [{ path: 'calendar_id', message: 'required' }],
        });
      const calendar = await locationCalendar(deps, request, body.location_id, calendarId);
      const startAt = new Date(body.start);
      const endAt = body.end
        ? new Date(body.end)
        : new Date(startAt.getTime() + settings.slotMinutes * 60_000);
      const violation = checkBookingRules({ startAt, endAt, settings, now: deps.now() });
      if (violation) throw new ApiError(422, violation.error, violation.message);

      const slot = {
        locationId: body.location_id,
        calendarId,
        assignedUserId: assignedUserFor(calendar, body.assigned_user_id),
        startAt,
        blockedUntil: new Date(endAt.getTime() + settings.bufferMinutes * 60_000),
      };
      const write = () =>
        deps.db.transaction(async (tx) => {
          const cita = await createStaffCita(tx, {
            locationId: body.location_id,
            externalId: body.external_id ?? null,
            calendarId,
            patientName: body.patient.name,
            patientPhone: body.patient.phone ?? null,
            patientEmail: body.patient.email ?? null,
            title: body.title ?? null,
            notes: body.notes ?? null,
            startAt,
            endAt,
            blockedUntil: slot.blockedUntil,
            status: body.status,
            assignedUserId: slot.assignedUserId,
          });
          const outboxId = await promiseSync(tx, cita, request.id);
          const json = toCitaJson(cita, settings);
          if (scope) await rememberAnswer(tx, scope, 202, json);
          return { cita, outboxId, json };
        });
      let written: Awaited<ReturnType<typeof write>>;
      try {
        written = await retryOnDeadlock(write);
      } catch (error) {
        const externalId = body.external_id
          ? { locationId: body.location_id, externalId: body.external_id }
          : undefined;
        throw await mapWriteError(deps.db, error, { slot, externalId });
      }
      await enqueueSync(deps, request.log, written.outboxId, written.cita, request.id);
      request.log.info({ citaId: written.cita.id, version: written.cita.version }, 'cita accepted');
      return { status: 202, body: written.json };
    });
  });
}
