import { isSlotHolding } from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { checkBookingRules } from '../../staff/booking-rules.js';
import { type ChangePlan, changeCita } from '../../staff/change-cita.js';
import { citaIdParams, citaJson, errorJson, isoWithOffset } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { patientSchema } from './create-cita.js';

/**
 * `PUT /api/ghl/citas/{id}/`: move or edit a cita. Fields left out keep their value; moving
 * only `start` keeps the duration. 202: stored, GHL follows.
 */
export const updateCitaSchemas = {
  params: citaIdParams,
  body: z
    .object({
      calendar_id: z.string().min(1).optional(),
      patient: patientSchema.optional(),
      title: z.string().max(500).nullable().optional(),
      notes: z.string().max(5000).nullable().optional(),
      start: isoWithOffset.optional(),
      end: isoWithOffset.optional(),
      status: z.enum(['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid']).optional(),
      assigned_user_id: z.string().min(1).nullable().optional(),
    })
    .strict()
    .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' }),
  response: {
    202: citaJson,
    400: errorJson,
    401: errorJson,
    403: errorJson,
    404: errorJson,
    409: errorJson,
    422: errorJson,
  },
};

type UpdateBody = z.infer<typeof updateCitaSchemas.body>;

export function updateCitaRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.put('/api/ghl/citas/:id', async (request, reply) => {
    const { id } = parseWith(updateCitaSchemas.params, request.params, 'path');
    const body = parseWith(updateCitaSchemas.body, request.body, 'body');
    const json = await changeCita(deps, request, id, (current, settings): ChangePlan => {
      const startAt = body.start ? new Date(body.start) : current.startAt;
      const duration = current.endAt.getTime() - current.startAt.getTime();
      const endAt = body.end ? new Date(body.end) : new Date(startAt.getTime() + duration);
      const calendarId = body.calendar_id ?? current.calendarId;
      const assignedUserId =
        body.assigned_user_id === undefined ? current.assignedUserId : body.assigned_user_id;
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
          ? { calendarId, assignedUserId, startAt, blockedUntil, excludeId: current.id }
          : undefined,
      };
    });
    return reply.code(202).send(json);
  });
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
