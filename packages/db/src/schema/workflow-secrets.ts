import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Secrets for GHL workflow "Custom Webhook" actions, one location each. GHL's action can only
 * send static headers, so the secret itself travels in a header; only its SHA-256 is kept.
 */
export const workflowSecrets = pgTable(
  'workflow_secrets',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    locationId: text('location_id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    // The first characters, so operators can tell secrets apart.
    secretPrefix: text('secret_prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('workflow_secrets_location_idx').on(t.locationId)],
);

export type WorkflowSecret = typeof workflowSecrets.$inferSelect;
