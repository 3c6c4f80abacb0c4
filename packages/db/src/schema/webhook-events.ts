import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const webhookEventStatus = pgEnum('webhook_event_status', [
  'received',
  'processed',
  'ignored',
  'failed',
]);

/**
 * Every GHL webhook we accepted, once. The unique keys are the dedup guard that outlives
 * BullMQ's job ids (which vanish when jobs are removed); the row is written in the same
 * transaction as the event's effect, so an effect happens exactly when its row says processed.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // GHL's `webhookId`; absent on older deliveries and workflow webhooks.
    webhookId: text('webhook_id').unique(),
    // SHA-256 (hex) of the raw body as delivered: the dedup key when there is no webhookId.
    payloadHash: text('payload_hash').notNull().unique(),
    eventType: text('event_type').notNull(),
    locationId: text('location_id'),
    status: webhookEventStatus('status').notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    payload: jsonb('payload').notNull(),
    // Who vouched for it (`{kind: 'app'}` or a workflow secret's location and id); null before 0007.
    source: jsonb('source'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().default(sql`now()`),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    // Replay ("failed since …") and retention ("processed before …") both scan by status and time.
    index('webhook_events_status_received_at_idx').on(t.status, t.receivedAt),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookEventStatus = (typeof webhookEventStatus.enumValues)[number];
