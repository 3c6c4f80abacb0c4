import type { LocationSettings } from '@ghl-bridge/db';
import { checkBookingRules } from './booking-rules.js';

/** Time already claimed on the calendar: an active cita (buffer included) or a GHL block. */
export interface Claim {
  startAt: Date;
  /** End of the claim: a cita's end plus its buffer, a block's end. */
  until: Date;
  /** Null: the whole calendar (an unassigned cita, a block on the calendar). */
  assignedUserId: string | null;
}

export interface BookableQuery {
  settings: LocationSettings;
  /** Milliseconds since the epoch. */
  now: number;
  /** Who a booking without a user would be assigned to (the calendar's first member), or null. */
  assignedUserId: string | null;
  claims: readonly Claim[];
}

/**
 * GHL's free slots, minus every slot a booking of the location's slot length would be refused
 * in: outside business hours, too soon, or overlapping a cita or GHL-blocked time (buffer
 * included). The same rules POST /api/ghl/citas applies, so an offered slot books.
 */
export function bookableSlots(
  days: Readonly<Record<string, readonly string[]>>,
  query: BookableQuery,
): Record<string, string[]> {
  const { settings } = query;
  const result: Record<string, string[]> = {};
  for (const [day, slots] of Object.entries(days)) {
    const kept = slots.filter((slot) => {
      const startAt = new Date(slot);
      if (Number.isNaN(startAt.getTime())) return false;
      const endAt = new Date(startAt.getTime() + settings.slotMinutes * 60_000);
      if (checkBookingRules({ startAt, endAt, settings, now: query.now })) return false;
      const until = endAt.getTime() + settings.bufferMinutes * 60_000;
      return !query.claims.some(
        (claim) =>
          // An empty range (a zero-length appointment) claims nothing, as in PostgreSQL.
          claim.until.getTime() > claim.startAt.getTime() &&
          claim.startAt.getTime() < until &&
          claim.until.getTime() > startAt.getTime() &&
          (claim.assignedUserId === null ||
            query.assignedUserId === null ||
            claim.assignedUserId === query.assignedUserId),
      );
    });
    if (kept.length > 0) result[day] = kept;
  }
  return result;
}
