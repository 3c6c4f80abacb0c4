import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appointmentWriteDto, eventDto } from '../domain/serialize.js';
import type { Appointment } from '../domain/types.js';
import { assertLocation } from '../http/api-guard.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';
import { eventsWindow } from './event-query.js';

const API = { api: { auth: 'Location', version: true } } as const;

const REQUEST_STATUSES = ['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid'] as const;

// Strict: GHL's validation pipe rejects unknown properties with 422. AppointmentCreateSchema and
// AppointmentEditSchema take `description` and have no `notes` (GHL's notes are set in its UI),
// so `notes` in a body is refused like any unknown property.
const editFields = {
  title: z.string().optional(),
  meetingLocationType: z
    .enum(['custom', 'zoom', 'gmeet', 'phone', 'address', 'ms_teams', 'google'])
    .optional(),
  meetingLocationId: z.string().optional(),
  overrideLocationConfig: z.boolean().optional(),
  appointmentStatus: z.enum(REQUEST_STATUSES).optional(),
  assignedUserId: z.string().optional(),
  description: z.string().optional(),
  address: z.string().optional(),
  ignoreDateRange: z.boolean().optional(),
  toNotify: z.boolean().optional(),
  ignoreFreeSlotValidation: z.boolean().optional(),
  rrule: z.string().optional(),
  calendarId: z.string().optional(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
};

const createBody = z.strictObject({
  ...editFields,
  calendarId: z.string(),
  locationId: z.string(),
  contactId: z.string(),
  startTime: z.string(),
});

const updateBody = z.strictObject(editFields);

type IdParams = { Params: { eventId: string } };

function tzOf(state: SandboxState, a: Appointment): string {
  return (
    state.store.calendars.get(a.calendarId)?.timezone ??
    state.store.locations.get(a.locationId)?.timezone ??
    'UTC'
  );
}

export function appointmentRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store } = state;

  app.get('/calendars/events', { config: API }, async (request) => {
    const q = eventsWindow(request);
    const events: Record<string, unknown>[] = [];
    for (const a of store.appointments.values()) {
      if (a.locationId !== q.locationId || a.startMs >= q.endMs || a.endMs <= q.startMs) continue;
      if (q.calendarId && a.calendarId !== q.calendarId) continue;
      if (q.userId && a.assignedUserId !== q.userId && !a.users.includes(q.userId)) continue;
      if (q.groupId && a.groupId !== q.groupId) continue;
      events.push(eventDto(a, tzOf(state, a)));
    }
    return { events, traceId: randomUUID() };
  });

  app.get<IdParams>('/calendars/events/appointments/:eventId', { config: API }, async (request) => {
    const a = store.appointments.get(request.params.eventId);
    if (!a) throw ghlError(400, 'Appointment not found');
    assertLocation(request, a.locationId);
    return { event: eventDto(a, tzOf(state, a)), traceId: randomUUID() };
  });

  app.post('/calendars/events/appointments', { config: API }, async (request) => {
    const body = parseOr422(createBody, request.body);
    assertLocation(request, body.locationId);
    const a = state.appointments.create(body, { source: 'third_party', userId: request.grant?.userId });
    // Status 200 as the spec documents; the write DTO has no dateAdded/dateUpdated (issue #246).
    return appointmentWriteDto(a, tzOf(state, a));
  });

  app.put<IdParams>('/calendars/events/appointments/:eventId', { config: API }, async (request) => {
    const body = parseOr422(updateBody, request.body);
    const a = state.appointments.update(request.params.eventId, body, request.grant?.locationId);
    return appointmentWriteDto(a, tzOf(state, a));
  });

  app.delete<IdParams>('/calendars/events/:eventId', { config: API }, async (request, reply) => {
    state.appointments.delete(request.params.eventId, request.grant?.locationId);
    // The spec documents 201 for this DELETE; we follow the spec.
    return reply.code(201).send({ succeeded: true });
  });
}
