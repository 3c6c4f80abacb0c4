import { calendarLocation, findLocationCalendar, type GhlCalendarRow } from '@ghl-bridge/db';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.js';
import { askWorker, type Discovery } from './ask-worker.js';
import type { StaffDeps } from './cita-writes.js';

export interface CalendarDeps extends StaffDeps {
  discovery: Discovery;
}

/**
 * The calendar, if it is one of this location's. Known from the calendars GHL listed last
 * (discovery, reconciliation); a calendar not seen yet is looked up in GHL once, through a
 * worker. Anything else is 422, worded the same whether the calendar is unknown or another
 * location's, so nothing about other locations leaks.
 */
export async function locationCalendar(
  deps: CalendarDeps,
  request: FastifyRequest,
  locationId: string,
  calendarId: string,
  /** A calendar named in a path is a resource that is not there (404); in a body, a bad field (422). */
  as: 'field' | 'resource' = 'field',
): Promise<GhlCalendarRow> {
  let calendar = await findLocationCalendar(deps.db, locationId, calendarId);
  // GHL calendar ids are global: one seen under another location is never this one's.
  if (!calendar && !(await calendarLocation(deps.db, calendarId))) {
    await askWorker(
      deps.discovery,
      'ghl.calendars',
      { locationId, requestId: request.id },
      locationId,
      deps.now(),
    ).catch((error: unknown) => {
      // GHL (or the queue) could not say: the calendar cannot be checked right now, which is
      // worth a retry, not a verdict on the request.
      if (error instanceof ApiError && error.statusCode >= 500)
        throw new ApiError(
          503,
          'calendar_unverified',
          `GHL could not confirm the calendar right now (${error.message}); try again shortly`,
        );
      throw error;
    });
    calendar = await findLocationCalendar(deps.db, locationId, calendarId);
  }
  if (!calendar && as === 'resource')
    throw new ApiError(404, 'not_found', `No calendar ${calendarId} in location ${locationId}`);
  if (!calendar)
    throw new ApiError(422, 'unknown_calendar', `calendar_id is not a calendar of location ${locationId}`, {
      details: [{ path: 'calendar_id', message: 'not a calendar of this location' }],
    });
  return calendar;
}

/** Who GHL will assign a booking to: the one asked for, else the calendar's first team member. */
export function assignedUserFor(
  calendar: GhlCalendarRow,
  requested: string | null | undefined,
): string | null {
  return requested ?? calendar.teamMemberIds[0] ?? null;
}
