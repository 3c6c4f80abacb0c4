import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Jobs promised in the same transaction as the change that needs them. Ingress enqueues right
 * after commit and deletes the row; when Redis was away the row stays and the worker's sweeper
 * enqueues it later, so an accepted staff action is never lost between Postgres and Redis.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    jobName: text('job_name').notNull(),
    // BullMQ job id: enqueueing the same row twice still gives one job.
    jobId: text('job_id').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_created_at_idx').on(t.createdAt)],
);

export type OutboxRow = typeof outbox.$inferSelect;
