import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * GHL calendars as discovery and reconciliation last read them. Staff writes check a calendar
 * against its location here (ingress never calls GHL); overlap rules read its team members.
 */
export const ghlCalendars = pgTable(
  'ghl_calendars',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    // Absent in GHL means the location's zone.
    timeZone: text('time_zone'),
    isActive: boolean('is_active').notNull().default(true),
    // Team members' user ids, the one GHL assigns first (primary, then priority) leading.
    teamMemberIds: text('team_member_ids').array().notNull().default(sql`'{}'::text[]`),
    // GHL's slot length in minutes, when the calendar says.
    slotMinutes: integer('slot_minutes'),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('ghl_calendars_location_idx').on(t.locationId)],
);

/** Time blocked in GHL (`GET /calendars/blocked-slots`): staff bookings may not land on it. */
export const ghlBlockedSlots = pgTable(
  'ghl_blocked_slots',
  {
    // GHL's event id of the block.
    id: text('id').primaryKey(),
    locationId: text('location_id').notNull(),
    // A block is for a calendar, a user, or both.
    calendarId: text('calendar_id'),
    assignedUserId: text('assigned_user_id'),
    startAt: timestamp('start_at', { withTimezone: true }).notNull(),
    endAt: timestamp('end_at', { withTimezone: true }).notNull(),
    title: text('title'),
    // Set when a read of its range no longer lists it.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('ghl_blocked_slots_location_start_idx').on(t.locationId, t.startAt)],
);

export type GhlCalendarRow = typeof ghlCalendars.$inferSelect;
export type GhlBlockedSlot = typeof ghlBlockedSlots.$inferSelect;
