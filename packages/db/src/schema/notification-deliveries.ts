import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { notificationEndpoints } from './notification-endpoints.js';

/**
 * pending: waits for an earlier change of the same cita to this endpoint; queued: the one
 * delivery of its (endpoint, cita) in the `notifications` queue, being tried; delivered: a 2xx
 * came back; failed: retries ran out (or the endpoint was disabled), replayable.
 */
export const notificationDeliveryStatus = pgEnum('notification_delivery_status', [
  'pending',
  'queued',
  'delivered',
  'failed',
]);

/**
 * One change for one endpoint. Only the earliest undelivered delivery of each (endpoint, cita)
 * is queued (a partial unique index makes that true), and its success or final failure queues
 * the next, so an endpoint never hears a later change of a cita before an earlier one.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => notificationEndpoints.id, { onDelete: 'cascade' }),
    // cita_changes.seq; no foreign key, so the append-only log can be truncated or pruned alone.
    changeSeq: bigint('change_seq', { mode: 'number' }).notNull(),
    // The change's feed position: the order within a cita.
    position: bigint('position', { mode: 'number' }).notNull(),
    citaId: uuid('cita_id').notNull(),
    status: notificationDeliveryStatus('status').notNull().default('pending'),
    // Grows with each replay; part of the job id, so a replayed delivery gets a fresh job.
    generation: integer('generation').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastLatencyMs: integer('last_latency_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    queuedAt: timestamp('queued_at', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (t) => [
    unique('notification_deliveries_endpoint_change_unique').on(t.endpointId, t.changeSeq),
    uniqueIndex('notification_deliveries_one_queued_idx')
      .on(t.endpointId, t.citaId)
      .where(sql`${t.status} = 'queued'`),
    index('notification_deliveries_pending_idx')
      .on(t.endpointId, t.citaId, t.position)
      .where(sql`${t.status} = 'pending'`),
    index('notification_deliveries_endpoint_position_idx').on(t.endpointId, t.position),
  ],
);

export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type NotificationDeliveryStatus = (typeof notificationDeliveryStatus.enumValues)[number];
