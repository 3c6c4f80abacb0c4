import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assertLocation } from '../http/api-guard.js';
import { ghlError, parseOr422 } from '../http/errors.js';

// GET /calendars/events and GET /calendars/blocked-slots share these parameters (CAL).
const eventsQuery = z.object({
  locationId: z.string().min(1),
  startTime: z.string().regex(/^\d+$/, 'must be epoch milliseconds'),
  endTime: z.string().regex(/^\d+$/, 'must be epoch milliseconds'),
  calendarId: z.string().optional(),
  userId: z.string().optional(),
  groupId: z.string().optional(),
});

export interface EventsWindow {
  locationId: string;
  startMs: number;
  endMs: number;
  calendarId?: string;
  userId?: string;
  groupId?: string;
}

/** Parses and checks the query: the token's own location, and one of calendarId/userId/groupId. */
export function eventsWindow(request: FastifyRequest): EventsWindow {
  const q = parseOr422(eventsQuery, request.query);
  assertLocation(request, q.locationId);
  if (!q.calendarId && !q.userId && !q.groupId) {
    throw ghlError(400, 'One of calendarId, userId or groupId is required');
  }
  return {
    locationId: q.locationId,
    startMs: Number(q.startTime),
    endMs: Number(q.endTime),
    calendarId: q.calendarId,
    userId: q.userId,
    groupId: q.groupId,
  };
}
