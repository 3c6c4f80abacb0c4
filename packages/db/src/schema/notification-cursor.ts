import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';

/**
 * How far along the change feed the dispatcher has fanned changes out to endpoints. One row,
 * locked by the dispatcher while it runs, so one dispatcher at a time moves it, across processes.
 */
export const notificationCursor = pgTable('notification_cursor', {
  id: integer('id').primaryKey().default(1),
  position: bigint('position', { mode: 'number' }).notNull().default(0),
});
