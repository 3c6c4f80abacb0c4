import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** GHL's appointment statuses: the request enum plus `active`/`completed`, which GHL may send back. */
export const citaStatus = pgEnum('cita_status', [
  'new',
  'confirmed',
  'cancelled',
  'showed',
  'noshow',
  'invalid',
  'active',
  'completed',
]);
export const citaSyncStatus = pgEnum('cita_sync_status', ['pending', 'syncing', 'synced', 'failed']);
export const citaSource = pgEnum('cita_source', ['rv3', 'ghl']);

/**
 * Statuses that hold their slot. Kept in step by hand with the `citas_no_overlap` exclusion
 * constraint (migrations/0003_cita_no_overlap.sql, rebuilt in 0005), which drizzle-kit cannot express.
 */
export const SLOT_HOLDING_STATUSES = ['new', 'confirmed', 'showed', 'active', 'completed'] as const;

/**
 * One appointment, whichever side created it. Times are UTC instants; the API shows them in
 * the location's zone. `version` grows on every change so jobs and webhooks can tell which
 * state is newer; `ghl_date_updated` is the GHL `dateUpdated` last applied (stale-event guard).
 */
export const citas = pgTable(
  'citas',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    locationId: text('location_id').notNull(),
    calendarId: text('calendar_id').notNull(),
    patientName: text('patient_name').notNull(),
    patientPhone: text('patient_phone'),
    patientEmail: text('patient_email'),
    // Filled by the worker once the patient is upserted as a GHL contact.
    ghlContactId: text('ghl_contact_id'),
    title: text('title'),
    // The clinic's notes. GHL's create/update take them as `description`, and GET returns
    // `description`, so that is the field they go to and are read back from (ghl-api.md §10).
    notes: text('notes'),
    // GHL's own `notes` field (webhooks and GET carry it; the API cannot write it): mirrored as is.
    ghlNotes: text('ghl_notes'),
    // RV3's id for this cita, unique per location (citas_location_external_id_idx).
    externalId: text('external_id'),
    startAt: timestamp('start_at', { withTimezone: true }).notNull(),
    endAt: timestamp('end_at', { withTimezone: true }).notNull(),
    // end_at plus the location's buffer when booked: the range the no-overlap constraint guards,
    // stored because timestamptz + interval is not immutable and so cannot sit in an index.
    blockedUntil: timestamp('blocked_until', { withTimezone: true }).notNull(),
    status: citaStatus('status').notNull().default('confirmed'),
    assignedUserId: text('assigned_user_id'),
    ghlAppointmentId: text('ghl_appointment_id').unique(),
    syncStatus: citaSyncStatus('sync_status').notNull().default('pending'),
    syncError: text('sync_error'),
    syncAttempts: integer('sync_attempts').notNull().default(0),
    source: citaSource('source').notNull(),
    version: integer('version').notNull().default(1),
    ghlDateUpdated: timestamp('ghl_date_updated', { withTimezone: true }),
    // Active citas this one overlaps, kept on both sides. GHL accepted the overlap, so it is a
    // fact to show, not an error; a cita in conflict leaves the no-overlap constraint (0006).
    conflictWith: uuid('conflict_with').array().notNull().default(sql`'{}'::uuid[]`),
    // Tombstone for GHL deletes: the row stays so a late webhook cannot resurrect it.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    // The staff list filters by location and pages by (start_at, id).
    index('citas_location_start_idx').on(t.locationId, t.startAt, t.id),
    index('citas_calendar_start_idx').on(t.calendarId, t.startAt),
    uniqueIndex('citas_location_external_id_idx')
      .on(t.locationId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    // `updated_since` reads.
    index('citas_location_updated_idx').on(t.locationId, t.updatedAt),
  ],
);

export type Cita = typeof citas.$inferSelect;
export type NewCita = typeof citas.$inferInsert;
export type CitaStatus = (typeof citaStatus.enumValues)[number];
export type CitaSyncStatus = (typeof citaSyncStatus.enumValues)[number];
