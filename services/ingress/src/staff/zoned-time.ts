import type { Weekday } from '@ghl-bridge/db';
import { zonedParts as partsInZone, type ZonedParts } from '@ghl-bridge/zoned-time';

export { formatInZone, isValidTimeZone } from '@ghl-bridge/zoned-time';

// Indexed by the shared package's weekday number (0 = Sunday).
const WEEKDAY_NAMES: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The wall-clock reading of an instant in a zone, with the weekday as location settings name it. */
export function zonedParts(
  instant: Date,
  timeZone: string,
): Omit<ZonedParts, 'weekday'> & { weekday: Weekday } {
  const parts = partsInZone(instant, timeZone);
  return { ...parts, weekday: WEEKDAY_NAMES[parts.weekday] ?? 'mon' };
}
