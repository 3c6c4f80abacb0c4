import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Opening intervals as local `HH:MM`, end exclusive; an absent or empty day is closed. */
export type BusinessHours = Partial<Record<Weekday, Array<{ start: string; end: string }>>>;

/** Booking rules per GHL location. A location without a row uses DEFAULT_LOCATION_SETTINGS. */
export const locationSettings = pgTable('location_settings', {
  locationId: text('location_id').primaryKey(),
  // IANA zone; business hours and the API's times are in it.
  timeZone: text('time_zone').notNull(),
  defaultCalendarId: text('default_calendar_id'),
  businessHours: jsonb('business_hours').$type<BusinessHours>().notNull(),
  slotMinutes: integer('slot_minutes').notNull(),
  bufferMinutes: integer('buffer_minutes').notNull(),
  minNoticeMinutes: integer('min_notice_minutes').notNull(),
  // Sent to GHL as `toNotify`: whether GHL's automations tell the patient.
  notifyPatient: boolean('notify_patient').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

export type LocationSettingsRow = typeof locationSettings.$inferSelect;
