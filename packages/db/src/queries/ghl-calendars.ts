import { and, eq, gte, inArray, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { type GhlCalendarRow, ghlBlockedSlots, ghlCalendars } from '../schema/ghl-calendars.js';
import type { Executor } from './executor.js';

export type CalendarMirror = Omit<GhlCalendarRow, 'seenAt'>;

/** A location's calendars as GHL just listed them (discovery, reconciliation). */
export async function saveCalendars(db: Executor, calendars: readonly CalendarMirror[]): Promise<void> {
  if (calendars.length === 0) return;
  await db
    .insert(ghlCalendars)
    .values(calendars.map((c) => ({ ...c, seenAt: new Date() })))
    .onConflictDoUpdate({
      target: ghlCalendars.id,
      set: {
        locationId: sql`excluded.location_id`,
        name: sql`excluded.name`,
        description: sql`excluded.description`,
        timeZone: sql`excluded.time_zone`,
        isActive: sql`excluded.is_active`,
        teamMemberIds: sql`excluded.team_member_ids`,
        slotMinutes: sql`excluded.slot_minutes`,
        seenAt: sql`excluded.seen_at`,
      },
    });
}

/** The calendar if it is one of this location's, as last seen in GHL. */
export async function findLocationCalendar(
  db: Executor,
  locationId: string,
  calendarId: string,
): Promise<GhlCalendarRow | undefined> {
  const [row] = await db
    .select()
    .from(ghlCalendars)
    .where(and(eq(ghlCalendars.id, calendarId), eq(ghlCalendars.locationId, locationId)));
  return row;
}

/** The location a calendar was last seen in, if any. */
export async function calendarLocation(db: Executor, calendarId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ locationId: ghlCalendars.locationId })
    .from(ghlCalendars)
    .where(eq(ghlCalendars.id, calendarId));
  return row?.locationId;
}

export interface BlockMirror {
  id: string;
  calendarId: string | null;
  assignedUserId: string | null;
  startAt: Date;
  endAt: Date;
  title: string | null;
}

/**
 * Time blocked in GHL on one calendar over a range, as GHL just listed it: kept, and blocks of
 * that calendar and range that GHL no longer lists are marked deleted.
 */
export async function saveBlockedSlots(
  db: Executor,
  locationId: string,
  calendarId: string,
  range: { start: Date; end: Date },
  blocks: readonly BlockMirror[],
): Promise<void> {
  if (blocks.length > 0)
    await db
      .insert(ghlBlockedSlots)
      .values(blocks.map((b) => ({ ...b, locationId, deletedAt: null, seenAt: new Date() })))
      .onConflictDoUpdate({
        target: ghlBlockedSlots.id,
        set: {
          calendarId: sql`excluded.calendar_id`,
          assignedUserId: sql`excluded.assigned_user_id`,
          startAt: sql`excluded.start_at`,
          endAt: sql`excluded.end_at`,
          title: sql`excluded.title`,
          deletedAt: sql`null`,
          seenAt: sql`excluded.seen_at`,
        },
      });
  await db
    .update(ghlBlockedSlots)
    .set({ deletedAt: new Date() })
    .where(
      and(
        eq(ghlBlockedSlots.locationId, locationId),
        eq(ghlBlockedSlots.calendarId, calendarId),
        isNull(ghlBlockedSlots.deletedAt),
        gte(ghlBlockedSlots.startAt, range.start),
        lt(ghlBlockedSlots.startAt, range.end),
        blocks.length > 0
          ? notInArray(
              ghlBlockedSlots.id,
              blocks.map((b) => b.id),
            )
          : undefined,
      ),
    );
}

/** Live blocks on a calendar (or its users' time) that meet a range, for free-slot answers. */
export async function blocksMeeting(
  db: Executor,
  locationId: string,
  calendarId: string,
  userIds: readonly string[],
  range: { start: Date; end: Date },
) {
  return db
    .select()
    .from(ghlBlockedSlots)
    .where(
      and(
        eq(ghlBlockedSlots.locationId, locationId),
        isNull(ghlBlockedSlots.deletedAt),
        lt(ghlBlockedSlots.startAt, range.end),
        sql`${ghlBlockedSlots.endAt} > ${range.start.toISOString()}::timestamptz`,
        userIds.length > 0
          ? sql`(${ghlBlockedSlots.calendarId} = ${calendarId} or (${ghlBlockedSlots.calendarId} is null and ${inArray(ghlBlockedSlots.assignedUserId, [...userIds])}))`
          : eq(ghlBlockedSlots.calendarId, calendarId),
      ),
    );
}
