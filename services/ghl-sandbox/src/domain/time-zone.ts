import { formatInZone, type ZonedParts, zonedParts } from '@ghl-bridge/zoned-time';

// GHL renders appointment and slot times as ISO-8601 with the zone's offset, e.g.
// `2024-10-28T10:00:00-05:00` for America/Lima; the zone arithmetic is the shared package's.
export { dateKey, instantOf, isValidTimeZone } from '@ghl-bridge/zoned-time';

/** A wall-clock reading; `weekday` 0 = Sunday, as GHL's openHours.daysOfTheWeek. */
export type WallTime = Omit<ZonedParts, 'offsetMinutes'>;

export function wallTime(ms: number, timeZone: string): WallTime {
  const { offsetMinutes: _offset, ...wall } = zonedParts(ms, timeZone);
  return wall;
}

/** `2024-10-28T10:00:00-05:00` */
export function isoWithOffset(ms: number, timeZone: string): string {
  return formatInZone(ms, timeZone);
}
