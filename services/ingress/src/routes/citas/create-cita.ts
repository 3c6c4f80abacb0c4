import { getLocationSettings, insertCita, type SlotQuery } from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { checkBookingRules } from '../../staff/booking-rules.js';
import { citaJson, errorJson, isoWithOffset, toCitaJson } from '../../staff/cita-json.js';
import {
  assertSlotFree,
  enqueueSync,
  mapWriteError,
  promiseSync,
  retryOnDeadlock,
  type StaffDeps,
} from '../../staff/cita-writes.js';
import {
  idempotencyScope,
  rememberAnswer,
  replayAfterFailure,
  replayIfSeen,
} from '../../staff/idempotency.js';

export const patientSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(5).max(40).optional(),
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
      location_id: z.string().min(1),
      // Defaults to the location's default calendar.
      calendar_id: z.string().min(1).optional(),
      patient: patientSchema,
      title: z.string().max(500).optional(),
      notes: z.string().max(5000).optional(),
      start: isoWithOffset,
      // Defaults to start plus the location's slot length.
      end: isoWithOffset.optional(),
      status: z.enum(['new', 'confirmed']).default('confirmed'),
      assigned_user_id: z.string().min(1).optional(),
    })
    .strict()
    .refine((b) => b.end === undefined || Date.parse(b.start) < Date.parse(b.end), {
      message: 'must be after start',
      path: ['end'],
    }),
  response: { 202: citaJson, 400: errorJson, 401: errorJson, 403: errorJson, 409: errorJson, 422: errorJson },
};

export function createCitaRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.post('/api/ghl/citas', async (request, reply) => {
    const body = parseWith(createCitaSchemas.body, request.body, 'body');
    requireLocation(request, body.location_id);
    const idempotency = idempotencyScope(request, staffKey(request).id, '/api/ghl/citas');
    if (idempotency) {
      const replayed = await replayIfSeen(deps.db, idempotency, reply);
      if (replayed) return replayed;
    }

    const settings = await getLocationSettings(deps.db, body.location_id);
    const calendarId = body.calendar_id ?? settings.defaultCalendarId;
    if (!calendarId)
      throw new ApiError(400, 'validation_failed', 'calendar_id is required: the location has no default', {
        details: [{ path: 'calendar_id', message: 'required' }],
      });
    const startAt = new Date(body.start);
    const endAt = body.end ? new Date(body.end) : new Date(startAt.getTime() + settings.slotMinutes * 60_000);
    const violation = checkBookingRules({ startAt, endAt, settings, now: deps.now() });
    if (violation) throw new ApiError(422, violation.error, violation.message);

    const slot: SlotQuery = {
      calendarId,
      assignedUserId: body.assigned_user_id ?? null,
      startAt,
      blockedUntil: new Date(endAt.getTime() + settings.bufferMinutes * 60_000),
    };
    let written: Awaited<ReturnType<typeof write>>;
    const write = () =>
      deps.db.transaction(async (tx) => {
        await assertSlotFree(tx, slot);
        const cita = await insertCita(tx, {
          locationId: body.location_id,
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
          source: 'rv3',
        });
        const outboxId = await promiseSync(tx, cita, request.id);
        const json = toCitaJson(cita, settings);
        if (idempotency) await rememberAnswer(tx, idempotency, 202, json);
        return { cita, outboxId, json };
      });
    try {
      written = await retryOnDeadlock(write);
    } catch (error) {
      // A concurrent twin with the same Idempotency-Key may have won: answer as it did.
      const replayed = await replayAfterFailure(deps.db, idempotency, reply);
      if (replayed) return replayed;
      throw await mapWriteError(deps.db, error, slot);
    }

    await enqueueSync(deps, request.log, written.outboxId, written.cita, request.id);
    request.log.info({ citaId: written.cita.id, version: written.cita.version }, 'cita accepted');
    return reply.code(202).send(written.json);
  });
}
