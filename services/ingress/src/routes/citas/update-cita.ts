import { findCitaById, isSlotHolding } from '@ghl-bridge/db';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { ApiError, errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation } from '../../staff/api-key-auth.js';
import { checkBookingRules } from '../../staff/booking-rules.js';
import { type ChangePlan, changeCita } from '../../staff/change-cita.js';
import { citaIdParams, citaJson } from '../../staff/cita-json.js';
import { identifier, isoWithOffset, text } from '../../staff/fields.js';
import { assignedUserFor, type CalendarDeps, locationCalendar } from '../../staff/location-calendar.js';
import { patientSchema } from './create-cita.js';

const updateCitaBody = z
  .object({
    calendar_id: identifier.optional(),
    patient: patientSchema.optional(),
    title: text(500).nullable().optional(),
    notes: text(5000).nullable().optional(),
    start: isoWithOffset.optional(),
    end: isoWithOffset.optional(),
    status: z.enum(['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid']).optional(),
    assigned_user_id: identifier.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' })
  .meta({ id: 'CitaUpdate', description: 'Fields left out keep their value' });

type UpdateBody = z.infer<typeof updateCitaBody>;

/**
 * `PUT /api/ghl/citas/{id}/`: move or edit a cita. Fields left out keep their value; moving
 * only `start` keeps the duration. 202: stored, GHL follows.
 */
export function updateCitaRoute(app: ZodApp, deps: CalendarDeps): void {
  app.put(
    '/api/ghl/citas/:id/',
    {
      schema: {
        operationId: 'updateCita',
        summary: 'Move or edit a cita',
        tags: ['Citas'],
        security: SECURITY.staff,
        params: citaIdParams,
        body: updateCitaBody,
        response: { 202: citaJson, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      // A move to another calendar must stay in the cita's location; read outside the row lock.
      const newCalendar = body.calendar_id
        ? await locationCalendarOfCita(deps, request, id, body.calendar_id)
        : undefined;
      const json = await changeCita(deps, request, id, (current, settings): ChangePlan => {
        const startAt = body.start ? new Date(body.start) : current.startAt;
        const duration = current.endAt.getTime() - current.startAt.getTime();
        const endAt = body.end ? new Date(body.end) : new Date(startAt.getTime() + duration);
        if (endAt.getTime() <= startAt.getTime())
          throw new ApiError(422, 'invalid_time_range', 'start must be before end');
        const calendarId = newCalendar?.id ?? current.calendarId;
        const assignedUserId =
          body.assigned_user_id !== undefined
            ? body.assigned_user_id
            : newCalendar && newCalendar.id !== current.calendarId
              ? assignedUserFor(newCalendar, null)
              : current.assignedUserId;
        const status = body.status ?? current.status;
        const moved =
          startAt.getTime() !== current.startAt.getTime() ||
          endAt.getTime() !== current.endAt.getTime() ||
          calendarId !== current.calendarId ||
          assignedUserId !== current.assignedUserId;
        // Rules bind new times only: editing the notes of yesterday's cita is fine.
        if (moved) {
          const violation = checkBookingRules({ startAt, endAt, settings, now: deps.now() });
          if (violation) throw new ApiError(422, violation.error, violation.message);
        }
        const blockedUntil = moved
          ? new Date(endAt.getTime() + settings.bufferMinutes * 60_000)
          : current.blockedUntil;
        const claims = isSlotHolding(status) && (moved || !isSlotHolding(current.status));
        return {
          patch: { ...patchOf(body), calendarId, assignedUserId, startAt, endAt, blockedUntil, status },
          slot: claims
            ? {
                locationId: current.locationId,
                calendarId,
                assignedUserId,
                startAt,
                blockedUntil,
                excludeId: current.id,
              }
            : undefined,
        };
      });
      return reply.code(202).send(json);
    },
  );
}

/** The new calendar, checked against the cita's location (404/403 for the cita come first). */
async function locationCalendarOfCita(
  deps: CalendarDeps,
  request: Parameters<typeof locationCalendar>[1],
  citaId: string,
  calendarId: string,
) {
  const cita = await findCitaById(deps.db, citaId);
  if (!cita) throw new ApiError(404, 'not_found', `No cita ${citaId}`);
  requireLocation(request, cita.locationId);
  return locationCalendar(deps, request, cita.locationId, calendarId);
}

function patchOf(body: UpdateBody): ChangePlan['patch'] {
  const patch: ChangePlan['patch'] = {};
  if (body.patient) {
    patch.patientName = body.patient.name;
    patch.patientPhone = body.patient.phone ?? null;
    patch.patientEmail = body.patient.email ?? null;
  }
  if (body.title !== undefined) patch.title = body.title;
  if (body.notes !== undefined) patch.notes = body.notes;
  return patch;
}
