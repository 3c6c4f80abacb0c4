/**
 * Wall-clock readings and ISO-8601 with offsets for IANA zones, with Intl only (no tz
 * database of our own). GHL renders times as `2024-10-28T10:00:00-05:00` in a zone; the staff API
 * answers in the location's zone; both the service and the GHL sandbox use this.
 */

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday (GHL's openHours.daysOfTheWeek numbering). */
  weekday: number;
  /** Minutes east of UTC at that instant, e.g. -300 for Lima. */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant in an IANA zone, and that zone's offset then. */
export function zonedParts(instant: Date | number, timeZone: string): ZonedParts {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  const [year, month, day, hour, minute, second] = [
    parts.year,
    parts.month,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  ].map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: WEEKDAY_INDEX[parts.weekday ?? 'Sun'] ?? 0,
    offsetMinutes: Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000),
  };
}

/** The instant of a wall-clock time in a zone (two passes settle the offset across DST edges). */
export function instantOf(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = guess - zonedParts(guess, timeZone).offsetMinutes * 60_000;
  return guess - zonedParts(first, timeZone).offsetMinutes * 60_000;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `YYYY-MM-DD`, GHL's free-slots day key. */
export function dateKey(date: { year: number; month: number; day: number }): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** ISO-8601 with the zone's offset at that instant, to the second: `2026-03-02T09:00:00-05:00`. */
export function formatInZone(instant: Date | number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(p.offsetMinutes / 60))}:${pad(p.offsetMinutes % 60)}`;
  return `${dateKey(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offset}`;
}
