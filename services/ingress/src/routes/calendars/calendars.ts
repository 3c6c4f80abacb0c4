import {
  activeCitasMeeting,
  blocksMeeting,
  type GhlCalendarRow,
  getLocationSettings,
  isStorableInstant,
} from '@ghl-bridge/db';
import type { CalendarSummary, DiscoveryCache } from '@ghl-bridge/jobs';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation } from '../../staff/api-key-auth.js';
import { askWorker, type Discovery } from '../../staff/ask-worker.js';
import { bookableSlots, type Claim } from '../../staff/bookable-slots.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { identifier } from '../../staff/fields.js';
import { locationCalendar } from '../../staff/location-calendar.js';
import { isValidTimeZone } from '../../staff/zoned-time.js';

export interface CalendarRouteDeps extends StaffDeps {
  discovery: Discovery;
  cache: DiscoveryCache;
}

const DAY_MS = 86_400_000;

/**
 * What a discovery request can fail with: bad query, auth, GHL refusing what was asked (its
 * message: 404 for what GHL does not have in this location, 400/422 for what it will not take,
 * 409 when the location's GHL install is missing), and GHL or the queue being away (502-504).
 */
const discoveryErrors = errorResponses(400, 401, 403, 404, 409, 422, 502, 503, 504);
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');
// A function, not one shared schema: the document generator loses a union used twice in one schema.
const instant = () =>
  z
    .union([
      z
        .string()
        .regex(/^\d{10,16}$/)
        .transform(Number),
      z.iso.datetime({ offset: true }).transform((v) => Date.parse(v)),
      z.iso.date().transform((v) => Date.parse(`${v}T00:00:00Z`)),
    ])
    // Beyond these, a date is no calendar's: PostgreSQL could not compare it with the citas.
    .refine(isStorableInstant, 'must be a date from year 1 to 9999');

const calendarJson = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    timezone: z.string(),
    isActive: z.boolean(),
  })
  .meta({ id: 'Calendar', description: 'A GHL calendar of the location' });

/** `GET /api/ghl/calendars/?location_id=…`: the seed service's discovery shape, from cache or a worker. */
const listCalendarsSchema = {
  operationId: 'listCalendars',
  summary: "A location's GHL calendars (cached)",
  tags: ['Calendars'],
  security: SECURITY.staff,
  querystring: z.object({
    location_id: identifier,
    refresh: flag.describe('`1` or `true`: ask GHL again instead of the cache'),
  }),
  response: {
    200: z.object({
      calendars: z.array(calendarJson),
      location_id: z.string(),
      total: z.number().int(),
      success: z.literal(true),
    }),
    ...discoveryErrors,
  },
};

/**
 * `GET /api/ghl/calendars/{id}/free-slots`: the slots a booking of the location's slot length
 * would be accepted in, by day, in the requested zone: GHL's free slots minus business hours,
 * notice, buffer, citas and time blocked in GHL.
 */
const freeSlotsSchema = {
  operationId: 'getFreeSlots',
  summary: "A calendar's bookable slots by day (cached briefly)",
  tags: ['Calendars'],
  security: SECURITY.staff,
  params: z.object({ id: identifier }),
  querystring: z
    .object({
      location_id: identifier,
      start: instant().describe(
        'Epoch ms, an ISO instant or a date; the range is at most 31 days, as on GHL',
      ),
      end: instant(),
      timezone: z
        .string()
        .max(100)
        .refine(isValidTimeZone, 'must be an IANA time zone')
        .optional()
        .describe("The zone slots are shown in; defaults to the location's"),
    })
    .refine((q) => q.end > q.start, { message: 'end must be after start', path: ['end'] })
    .refine((q) => q.end - q.start <= 31 * DAY_MS, {
      message: 'the range is at most 31 days',
      path: ['end'],
    }),
  response: {
    200: z
      .object({
        calendar_id: z.string(),
        location_id: z.string(),
        timezone: z.string(),
        slots: z
          .record(z.string(), z.array(z.string()))
          .describe('By day, as GHL groups them: the bookable start times, ISO-8601 with the zone offset'),
        success: z.literal(true),
      })
      .meta({ id: 'FreeSlots' }),
    ...discoveryErrors,
  },
};

export function calendarRoutes(app: ZodApp, deps: CalendarRouteDeps): void {
  app.get('/api/ghl/calendars/', { schema: listCalendarsSchema }, async (request, reply) => {
    const { query } = request;
    requireLocation(request, query.location_id);
    let calendars = query.refresh ? undefined : await deps.cache.getCalendars(query.location_id);
    reply.header('x-cache', calendars ? 'hit' : 'miss');
    calendars ??= (await askWorker(
      deps.discovery,
      'ghl.calendars',
      { locationId: query.location_id, requestId: request.id },
      query.location_id,
      deps.now(),
    )) as CalendarSummary[];
    return { calendars, location_id: query.location_id, total: calendars.length, success: true as const };
  });

  app.get('/api/ghl/calendars/:id/free-slots', { schema: freeSlotsSchema }, async (request, reply) => {
    const { id } = request.params;
    const { query } = request;
    requireLocation(request, query.location_id);
    const calendar = await locationCalendar(deps, request, query.location_id, id, 'resource');
    const settings = await getLocationSettings(deps.db, query.location_id);
    const timezone = query.timezone ?? settings.timeZone;
    const key = {
      locationId: query.location_id,
      calendarId: id,
      startMs: query.start,
      endMs: query.end,
      timezone,
    };
    let slots = await deps.cache.getFreeSlots(key);
    reply.header('x-cache', slots ? 'hit' : 'miss');
    slots ??= (await askWorker(
      deps.discovery,
      'ghl.free-slots',
      { ...key, requestId: request.id },
      `${query.location_id}-${id}-${query.start}-${query.end}-${timezone}`,
      deps.now(),
    )) as Record<string, string[]>;
    const assignedUserId = calendar.teamMemberIds[0] ?? null;
    const claims = await claimsOn(deps, calendar, assignedUserId, {
      start: new Date(query.start),
      end: new Date(query.end + (settings.slotMinutes + settings.bufferMinutes) * 60_000),
    });
    const bookable = bookableSlots(slots, { settings, now: deps.now(), assignedUserId, claims });
    return {
      calendar_id: id,
      location_id: query.location_id,
      timezone,
      slots: bookable,
      success: true as const,
    };
  });
}

/** Citas and GHL blocks on the calendar over a range, as the claims a booking must not meet. */
async function claimsOn(
  deps: CalendarRouteDeps,
  calendar: GhlCalendarRow,
  assignedUserId: string | null,
  range: { start: Date; end: Date },
): Promise<Claim[]> {
  const citas = await activeCitasMeeting(deps.db, calendar.id, range);
  const blocks = await blocksMeeting(
    deps.db,
    calendar.locationId,
    calendar.id,
    calendar.teamMemberIds,
    range,
  );
  return [
    ...citas.map((c) => ({ startAt: c.startAt, until: c.blockedUntil, assignedUserId: c.assignedUserId })),
    // A block on a user's own time binds only that user's bookings, whatever the calendar.
    ...blocks
      .filter((b) => b.calendarId !== null || b.assignedUserId === assignedUserId)
      .map((b) => ({
        startAt: b.startAt,
        until: b.endAt,
        assignedUserId: b.calendarId === null ? null : b.assignedUserId,
      })),
  ];
}
