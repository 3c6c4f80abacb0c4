import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defaultAssignee } from '../domain/assignment.js';
import { calendarDto } from '../domain/serialize.js';
import { freeSlots } from '../domain/slots.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import type { Calendar } from '../domain/types.js';
import { assertLocation } from '../http/api-guard.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';

const API = { api: { auth: 'Location', version: true } } as const;
const MAX_RANGE_MS = 31 * 86_400_000;

const listQuery = z.object({
  locationId: z.string().min(1),
  groupId: z.string().optional(),
  showDrafted: z.enum(['true', 'false']).optional(),
});

const msNumber = z.string().regex(/^\d+$/, 'must be a number in epoch milliseconds').transform(Number);

const slotsQuery = z.object({
  startDate: msNumber,
  endDate: msNumber,
  timezone: z.string().optional(),
  userId: z.string().optional(),
  userIds: z.union([z.string(), z.array(z.string())]).optional(),
  'userIds[]': z.union([z.string(), z.array(z.string())]).optional(),
  enableLookBusy: z.string().optional(),
});

function calendarFor(state: SandboxState, calendarId: string): Calendar {
  const cal = state.store.calendars.get(calendarId);
  if (!cal) throw ghlError(400, 'Calendar not found');
  return cal;
}

export function calendarRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/calendars/', { config: API }, async (request) => {
    const q = parseOr422(listQuery, request.query);
    assertLocation(request, q.locationId);
    const calendars: Record<string, unknown>[] = [];
    for (const c of state.store.calendars.values()) {
      if (c.locationId === q.locationId && (!q.groupId || c.groupId === q.groupId))
        calendars.push(calendarDto(c));
    }
    return { calendars, traceId: randomUUID() };
  });

  app.get<{ Params: { calendarId: string } }>('/calendars/:calendarId', { config: API }, async (request) => {
    const cal = calendarFor(state, request.params.calendarId);
    assertLocation(request, cal.locationId);
    return { calendar: calendarDto(cal), traceId: randomUUID() };
  });

  app.get<{ Params: { calendarId: string } }>(
    '/calendars/:calendarId/free-slots',
    { config: API },
    async (request) => {
      const q = parseOr422(slotsQuery, request.query);
      const cal = calendarFor(state, request.params.calendarId);
      assertLocation(request, cal.locationId);
      if (q.endDate < q.startDate) throw ghlError(400, 'endDate must be after startDate');
      if (q.endDate - q.startDate > MAX_RANGE_MS)
        throw ghlError(400, 'Date range cannot be more than 31 days');
      const tz = q.timezone ?? cal.timezone;
      if (!isValidTimeZone(tz)) throw ghlError(400, `Invalid timezone: ${tz}`);
      const wanted = [q.userId, q.userIds, q['userIds[]']]
        .flat()
        .filter((u): u is string => typeof u === 'string');
      const members = cal.teamMembers.map((m) => m.userId).filter((u) => wanted.includes(u));
      if (wanted.length > 0 && members.length === 0) return {};
      // Without a user filter, a slot is free when the member a create would get is free.
      const assignee = defaultAssignee(cal);
      const users = wanted.length > 0 ? members : assignee ? [assignee] : [];
      return freeSlots(state.store, cal, {
        startMs: q.startDate,
        endMs: q.endDate,
        timeZone: tz,
        nowMs: state.clock.now(),
        users,
      });
    },
  );
}
