import { createStaffCita } from '@ghl-bridge/citas';
import { findCitaByExternalId, getLocationSettings } from '@ghl-bridge/db';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { ApiError, errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { checkBookingRules } from '../../staff/booking-rules.js';
import { citaJson, toCitaJson } from '../../staff/cita-json.js';
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

const createCitaBody = z
  .object({
    location_id: identifier,
    external_id: identifier.optional().describe("RV3's own id for the cita, unique per location"),
    calendar_id: identifier.optional().describe("Defaults to the location's default calendar"),
    patient: patientSchema,
    title: text(500).optional(),
    notes: text(5000).optional(),
    start: isoWithOffset,
    end: isoWithOffset.optional().describe("Defaults to start plus the location's slot length"),
    status: z.enum(['new', 'confirmed']).default('confirmed'),
    assigned_user_id: identifier
      .optional()
      .describe("Defaults to the calendar's first team member, as GHL assigns"),
  })
  .strict()
  .refine((b) => b.end === undefined || Date.parse(b.start) < Date.parse(b.end), {
    message: 'must be after start',
    path: ['end'],
  })
  .meta({ id: 'CitaCreate' });

/** `POST /api/ghl/citas/`: book a cita; 202 once it is stored, before GHL has it. */
export function createCitaRoute(app: ZodApp, deps: CalendarDeps): void {
  app.post(
    '/api/ghl/citas/',
    {
      schema: {
        operationId: 'createCita',
        summary: 'Book a cita (synced to GHL by a worker)',
        tags: ['Citas'],
        security: SECURITY.staff,
        headers: z
          .object({
            'idempotency-key': z
              .string()
              .max(255)
              .optional()
              .describe('A retry with the same key gets the first answer and books nothing again'),
          })
          .loose(),
        body: createCitaBody,
        response: { 202: citaJson, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      requireLocation(request, body.location_id);
      return withIdempotency(
        deps.db,
        request,
        reply,
        staffKey(request).id,
        '/api/ghl/citas',
        async (scope) => {
          if (body.external_id) {
            const existing = await findCitaByExternalId(deps.db, body.location_id, body.external_id);
            if (existing) throw duplicateExternalId(existing.id);
          }
          const settings = await getLocationSettings(deps.db, body.location_id);
          const calendarId = body.calendar_id ?? settings.defaultCalendarId;
          if (!calendarId)
            throw new ApiError(
              400,
              'validation_failed',
              'calendar_id is required: the location has no default',
              {
                details: [{ path: 'calendar_id', message: 'required' }],
              },
            );
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
        },
      );
    },
  );
}
