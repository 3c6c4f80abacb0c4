import { getLocationSettings, type LocationSettings, saveLocationSettings, WEEKDAYS } from '@ghl-bridge/db';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation } from '../../staff/api-key-auth.js';
import { minutesOfDay } from '../../staff/booking-rules.js';
import { identifier } from '../../staff/fields.js';
import { type CalendarDeps, locationCalendar } from '../../staff/location-calendar.js';
import { isValidTimeZone } from '../../staff/zoned-time.js';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (00:00-24:00)');
const intervals = z
  .array(z.object({ start: hhmm, end: hhmm }).strict())
  .max(12)
  .superRefine((list, context) => {
    const sorted = [...list].sort((a, b) => minutesOfDay(a.start) - minutesOfDay(b.start));
    sorted.forEach((interval, i) => {
      if (minutesOfDay(interval.start) >= minutesOfDay(interval.end))
        context.addIssue({
          code: 'custom',
          message: `${interval.start}-${interval.end}: start must be before end`,
        });
      const next = sorted[i + 1];
      if (next && minutesOfDay(next.start) < minutesOfDay(interval.end))
        context.addIssue({
          code: 'custom',
          message: `${interval.start}-${interval.end} overlaps ${next.start}`,
        });
    });
  });

const settingsJson = z
  .object({
    location_id: z.string(),
    time_zone: z.string(),
    default_calendar_id: z.string().nullable(),
    business_hours: z.partialRecord(z.enum(WEEKDAYS), intervals),
    slot_minutes: z.number().int(),
    buffer_minutes: z.number().int(),
    min_notice_minutes: z.number().int(),
    notify_patient: z.boolean(),
    is_default: z
      .boolean()
      .describe('True while the location has no settings of its own and these are the defaults'),
  })
  .meta({ id: 'LocationSettings', description: "A location's booking rules" });

const settingsUpdate = z
  .object({
    time_zone: z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. America/Lima'),
    default_calendar_id: identifier
      .nullable()
      .describe("Must be one of the location's own calendars (422 otherwise)"),
    business_hours: z.partialRecord(z.enum(WEEKDAYS), intervals),
    slot_minutes: z.number().int().min(5).max(480),
    buffer_minutes: z.number().int().min(0).max(240),
    min_notice_minutes: z.number().int().min(0).max(525_600),
    notify_patient: z.boolean(),
  })
  .partial()
  .strict()
  .meta({
    id: 'LocationSettingsUpdate',
    description: 'Fields left out keep their current (or default) value',
  });

const locationParams = z.object({ id: identifier });

/** `GET` and `PUT /api/ghl/locations/{id}/settings`: a location's booking rules. */
export function locationSettingsRoutes(app: ZodApp, deps: CalendarDeps): void {
  app.get(
    '/api/ghl/locations/:id/settings',
    {
      schema: {
        operationId: 'getLocationSettings',
        summary: "A location's booking rules",
        tags: ['Locations'],
        security: SECURITY.staff,
        params: locationParams,
        response: { 200: settingsJson, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { id } = request.params;
      requireLocation(request, id);
      return toJson(await getLocationSettings(deps.db, id));
    },
  );

  app.put(
    '/api/ghl/locations/:id/settings',
    {
      schema: {
        operationId: 'updateLocationSettings',
        summary: "Change a location's booking rules",
        tags: ['Locations'],
        security: SECURITY.staff,
        params: locationParams,
        body: settingsUpdate,
        response: {
          200: settingsJson,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      requireLocation(request, id);
      const { body } = request;
      if (body.default_calendar_id) await locationCalendar(deps, request, id, body.default_calendar_id);
      const current = await getLocationSettings(deps.db, id);
      const saved = await saveLocationSettings(deps.db, {
        locationId: id,
        timeZone: body.time_zone ?? current.timeZone,
        defaultCalendarId:
          body.default_calendar_id === undefined ? current.defaultCalendarId : body.default_calendar_id,
        businessHours: body.business_hours ?? current.businessHours,
        slotMinutes: body.slot_minutes ?? current.slotMinutes,
        bufferMinutes: body.buffer_minutes ?? current.bufferMinutes,
        minNoticeMinutes: body.min_notice_minutes ?? current.minNoticeMinutes,
        notifyPatient: body.notify_patient ?? current.notifyPatient,
      });
      request.log.info({ locationId: id }, 'location settings saved');
      return toJson(saved);
    },
  );
}

function toJson(s: LocationSettings): z.infer<typeof settingsJson> {
  return {
    location_id: s.locationId,
    time_zone: s.timeZone,
    default_calendar_id: s.defaultCalendarId,
    business_hours: s.businessHours,
    slot_minutes: s.slotMinutes,
    buffer_minutes: s.bufferMinutes,
    min_notice_minutes: s.minNoticeMinutes,
    notify_patient: s.notifyPatient,
    is_default: s.isDefault,
  };
}
