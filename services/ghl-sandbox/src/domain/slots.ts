import type { Store } from './store.js';
import { dateKey, instantOf, isoWithOffset, wallTime } from './time-zone.js';
import type { Calendar } from './types.js';

const DAY_MS = 86_400_000;

export type FreeSlots = Record<string, { slots: string[] }>;

/**
 * True when time blocked in GHL holds [startMs, endMs) for a booking on `calendar` by one of
 * `users`: a block on the calendar always does; user blocks do when every candidate user is
 * blocked (no candidates: only calendar blocks count).
 */
function isBlocked(
  store: Store,
  calendar: Calendar,
  users: readonly string[],
  startMs: number,
  endMs: number,
): boolean {
  // A zero-length booking still occupies its instant.
  const end = Math.max(endMs, startMs + 1);
  if (store.blocksOverlapping({ calendarId: calendar.id }, startMs, end).length > 0) return true;
  return (
    users.length > 0 && users.every((u) => store.blocksOverlapping({ userIds: [u] }, startMs, end).length > 0)
  );
}

/**
 * Free slots of a calendar between two instants, keyed by local date in `timeZone`, each slot
 * rendered with that zone's offset (GHL's free-slots shape). Past slots, slots already
 * holding `appoinmentPerSlot` appointments and slots blocked for every one of `users` (the
 * users a booking would go to) are left out; dates without slots are omitted.
 */
export function freeSlots(
  store: Store,
  calendar: Calendar,
  range: { startMs: number; endMs: number; timeZone: string; nowMs: number; users: readonly string[] },
): FreeSlots {
  const { startMs, endMs, timeZone, nowMs, users } = range;
  const out: FreeSlots = {};
  const durationMs = calendar.slotDuration * 60_000;
  const step = Math.max(1, calendar.slotInterval || calendar.slotDuration);
  // Walk local days in the calendar's zone; pad a day each side for offsets.
  const first = wallTime(startMs - DAY_MS, calendar.timezone);
  let dayUtc = Date.UTC(first.year, first.month - 1, first.day);
  const lastUtc = dayUtc + Math.ceil((endMs - startMs) / DAY_MS + 3) * DAY_MS;
  for (; dayUtc <= lastUtc; dayUtc += DAY_MS) {
    const d = new Date(dayUtc);
    const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    const weekday = d.getUTCDay();
    for (const oh of calendar.openHours) {
      if (!oh.daysOfTheWeek.includes(weekday)) continue;
      for (const h of oh.hours) {
        const close = h.closeHour * 60 + h.closeMinute;
        for (let m = h.openHour * 60 + h.openMinute; m + calendar.slotDuration <= close; m += step) {
          const at = instantOf(date, Math.floor(m / 60), m % 60, calendar.timezone);
          if (at < startMs || at > endMs || at < nowMs) continue;
          if (store.blocking(calendar.id, at, at + durationMs).length >= calendar.appoinmentPerSlot) continue;
          if (isBlocked(store, calendar, users, at, at + durationMs)) continue;
          const key = dateKey(wallTime(at, timeZone));
          let bucket = out[key];
          if (!bucket) {
            bucket = { slots: [] };
            out[key] = bucket;
          }
          bucket.slots.push(isoWithOffset(at, timeZone));
        }
      }
    }
  }
  for (const bucket of Object.values(out)) bucket.slots.sort();
  return out;
}

/**
 * True when a booking [startMs, endMs) by `userId` (none: unassigned) may take the calendar's
 * slot at `startMs` right now: it is one of the calendar's free slots and no blocked time
 * overlaps the booking.
 */
export function isFreeSlot(
  store: Store,
  calendar: Calendar,
  booking: { startMs: number; endMs: number; userId?: string; exceptId?: string },
  nowMs: number,
): boolean {
  const { startMs, endMs, userId, exceptId } = booking;
  const durationMs = calendar.slotDuration * 60_000;
  if (startMs < nowMs) return false;
  if (
    store.blocking(calendar.id, startMs, startMs + durationMs, exceptId).length >= calendar.appoinmentPerSlot
  )
    return false;
  if (isBlocked(store, calendar, userId ? [userId] : [], startMs, endMs)) return false;
  const w = wallTime(startMs, calendar.timezone);
  const minute = w.hour * 60 + w.minute;
  const step = Math.max(1, calendar.slotInterval || calendar.slotDuration);
  return calendar.openHours.some(
    (oh) =>
      oh.daysOfTheWeek.includes(w.weekday) &&
      oh.hours.some((h) => {
        const open = h.openHour * 60 + h.openMinute;
        const close = h.closeHour * 60 + h.closeMinute;
        return (
          w.second === 0 &&
          minute >= open &&
          minute + calendar.slotDuration <= close &&
          (minute - open) % step === 0
        );
      }),
  );
}
