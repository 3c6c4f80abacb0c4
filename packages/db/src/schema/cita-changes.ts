import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const citaChangeKind = pgEnum('cita_change_kind', [
  'cita.created',
  'cita.updated',
  'cita.cancelled',
  'cita.deleted',
  'cita.conflict',
  'cita.synced',
  'cita.sync_failed',
]);
/** Who made the change: staff through RV3, GHL (webhooks, read-backs), or reconciliation. */
export const citaChangeOrigin = pgEnum('cita_change_origin', ['rv3', 'ghl', 'reconcile']);

/**
 * One row per write to a cita, appended by the cita write module in the same transaction as
 * the write. `seq` orders the changes of one cita (the row lock is held while it is taken);
 * `position` is the feed's order, given after commit by the sequencer (feed_head), so a
 * change that commits late is never skipped by a reader that has moved past it.
 */
export const citaChanges = pgTable(
  'cita_changes',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    position: bigint('position', { mode: 'number' }).unique(),
    citaId: uuid('cita_id').notNull(),
    locationId: text('location_id').notNull(),
    kind: citaChangeKind('kind').notNull(),
    origin: citaChangeOrigin('origin').notNull(),
    // API field names that changed (`start`, `notes`, `patient`, `conflict`, …).
    changed: text('changed').array().notNull(),
    // The cita row as it is after this change (column names, UTC), rendered at read time.
    cita: jsonb('cita').notNull(),
    // The cita's version after this change.
    version: integer('version').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    index('cita_changes_unsequenced_idx').on(t.seq).where(sql`${t.position} is null`),
    index('cita_changes_location_position_idx').on(t.locationId, t.position),
  ],
);

/** The feed's last given position: one row, locked by the sequencer so positions follow commits. */
export const feedHead = pgTable('feed_head', {
  id: integer('id').primaryKey().default(1),
  position: bigint('position', { mode: 'number' }).notNull().default(0),
});

export type CitaChange = typeof citaChanges.$inferSelect;
export type CitaChangeKind = (typeof citaChangeKind.enumValues)[number];
export type CitaChangeOrigin = (typeof citaChangeOrigin.enumValues)[number];
