import type { LocationSettings } from '@ghl-bridge/db';
import { zonedParts } from './zoned-time.js';

export interface RuleViolation {
  error: 'invalid_time_range' | 'outside_business_hours' | 'insufficient_notice';
  message: string;
}

export interface Booking {
  startAt: Date;
  endAt: Date;
  settings: LocationSettings;
  /** Milliseconds since the epoch. */
  now: number;
}

/** "HH:MM" (up to "24:00") as minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The location's own rules, checked in its time zone. Overlap and buffer are not here: they
 * need the other citas, and Postgres has the last word on them (citas_no_overlap).
 */
export function checkBookingRules({ startAt, endAt, settings, now }: Booking): RuleViolation | undefined {
  if (startAt.getTime() >= endAt.getTime())
    return { error: 'invalid_time_range', message: 'start must be before end' };

  const earliest = now + settings.minNoticeMinutes * 60_000;
  if (startAt.getTime() < earliest) {
    const message =
      settings.minNoticeMinutes === 0
        ? 'start is in the past'
        : `start must be at least ${settings.minNoticeMinutes} minutes from now`;
    return { error: 'insufficient_notice', message };
  }

  const start = zonedParts(startAt, settings.timeZone);
  const end = zonedParts(endAt, settings.timeZone);
  const startMinute = start.hour * 60 + start.minute + start.second / 60;
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  const endsAtMidnight =
    end.hour === 0 &&
    end.minute === 0 &&
    end.second === 0 &&
    endAt.getTime() - startAt.getTime() <= 86_400_000;
  const endMinute = sameDay ? end.hour * 60 + end.minute + end.second / 60 : endsAtMidnight ? 1440 : -1;
  const open = settings.businessHours[start.weekday] ?? [];
  const inside = open.some(
    (interval) => minutesOfDay(interval.start) <= startMinute && endMinute <= minutesOfDay(interval.end),
  );
  if (endMinute < 0 || !inside) {
    const hours = open.length ? open.map((i) => `${i.start}-${i.end}`).join(', ') : 'closed';
    return {
      error: 'outside_business_hours',
      message: `The cita must fall within business hours in ${settings.timeZone} (${start.weekday}: ${hours})`,
    };
  }
  return undefined;
}
