import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { blockedSlotEventDto } from '../domain/serialize.js';
import type { SandboxState } from '../state.js';
import { eventsWindow } from './event-query.js';

const API = { api: { auth: 'Location', version: true } } as const;

/**
 * `GET /calendars/blocked-slots` (scope calendars/events.readonly): time blocked in GHL, as
 * `{ events: CalendarEventDTO[] }`, with the query rules of `GET /calendars/events`.
 * `calendarId` lists that calendar's blocks, `userId` that user's, `groupId` the blocks of the
 * group's calendars.
 */
export function blockedSlotRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store } = state;
  app.get('/calendars/blocked-slots', { config: API }, async (request) => {
    const q = eventsWindow(request);
    const blocks = [...store.blockedSlots.values()]
      .filter((b) => {
        if (b.locationId !== q.locationId || b.startMs >= q.endMs || b.endMs <= q.startMs) return false;
        if (q.calendarId && b.calendarId !== q.calendarId) return false;
        if (q.userId && b.assignedUserId !== q.userId) return false;
        if (q.groupId && (!b.calendarId || store.calendars.get(b.calendarId)?.groupId !== q.groupId)) {
          return false;
        }
        return true;
      })
      .sort((a, b) => a.startMs - b.startMs);
    const events = blocks.map((b) => {
      const cal = b.calendarId ? store.calendars.get(b.calendarId) : undefined;
      const tz = cal?.timezone ?? store.locations.get(b.locationId)?.timezone ?? 'UTC';
      return blockedSlotEventDto(b, tz, cal?.groupId ?? '');
    });
    return { events, traceId: randomUUID() };
  });
}
