import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { notificationDeliveries } from './notification-deliveries.js';

/** One HTTP attempt of a delivery: the receiver's status code, or why there was none. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => notificationDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    // Timeout, refused connection…: set when no status code came back.
    error: text('error'),
    latencyMs: integer('latency_ms').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('notification_attempts_delivery_idx').on(t.deliveryId)],
);

export type NotificationAttempt = typeof notificationAttempts.$inferSelect;
