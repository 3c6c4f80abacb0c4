import { getLocationSettings, saveBlockedSlots, saveCalendars } from '@ghl-bridge/db';
import { type CalendarSummary, isGhlRefusal } from '@ghl-bridge/jobs';
import { refusalAsAnswer } from '../ghl-reads/refusal-as-answer.js';
import { blockMirror, calendarMirror } from '../reconcile/from-ghl.js';
import type { Processor } from './types.js';

// GHL refusing a read (unknown calendar, bad range) is the answer, not a job failure: ingress
// turns it into a 4xx with GHL's message.

/** Discovery: the location's calendars in the seed service's shape, cached for ingress. */
export const processGhlCalendars: Processor<'ghl.calendars'> = async ({ payload, deps }) => {
  const calendars = await refusalAsAnswer(() => deps.ghl.listCalendars(payload.locationId));
  if (isGhlRefusal(calendars)) return calendars;
  // Kept for staff writes, which check a calendar against its location, and for overlap rules.
  await saveCalendars(
    deps.db,
    calendars.map((c) => calendarMirror(payload.locationId, c)),
  );
  const { timeZone } = await getLocationSettings(deps.db, payload.locationId);
  const summaries: CalendarSummary[] = calendars.map((calendar) => ({
    id: calendar.id,
    name: calendar.name,
    description: calendar.description ?? '',
    // GHL calendars need not carry a zone; they then follow the location's.
    timezone: calendar.timezone ?? timeZone,
    isActive: calendar.isActive ?? true,
  }));
  await deps.discoveryCache.setCalendars(payload.locationId, summaries);
  return summaries;
};

/** Free slots of one calendar, cached briefly: slots change as people book. */
export const processGhlFreeSlots: Processor<'ghl.free-slots'> = async ({ payload, deps }) => {
  const { ghl } = deps;
  const { locationId, calendarId, startMs, endMs, timezone } = payload;
  const slots = await refusalAsAnswer(async () => {
    const free = await ghl.getFreeSlots(locationId, calendarId, { startMs, endMs, timezone });
    // GHL's blocked time over the same range, so ingress offers only what a booking would get.
    const blocks = await ghl.listBlockedSlots(locationId, { calendarId, startMs, endMs });
    await saveBlockedSlots(
      deps.db,
      locationId,
      calendarId,
      { start: new Date(startMs), end: new Date(endMs) },
      blocks.flatMap((b) => blockMirror(b) ?? []),
    );
    return free;
  });
  if (isGhlRefusal(slots)) return slots;
  await deps.discoveryCache.setFreeSlots({ locationId, calendarId, startMs, endMs, timezone }, slots);
  return slots;
};
