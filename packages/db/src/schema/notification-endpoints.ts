import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { citaChangeKind } from './cita-changes.js';

/**
 * Where RV3 hears changes: a URL, the locations whose changes it gets and, optionally, only
 * some kinds. The `whsec_…` signing secret is sealed with TOKEN_ENCRYPTION_KEY (the endpoint id
 * bound as context); after a rotation the previous one keeps signing too until
 * `previous_secret_until`, so receivers can switch over without dropping a delivery.
 */
export const notificationEndpoints = pgTable('notification_endpoints', {
  // Chosen by the application before insert: it is the context the secret is sealed under.
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  locationIds: text('location_ids').array().notNull(),
  // Empty: every kind.
  kinds: citaChangeKind('kinds').array().notNull().default(sql`'{}'`),
  secretSealed: text('secret_sealed').notNull(),
  // The first characters of the secret, so operators can tell secrets apart.
  secretHint: text('secret_hint').notNull(),
  previousSecretSealed: text('previous_secret_sealed'),
  previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
  // Set when an operator disables the endpoint or its receiver answers 410 Gone.
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  disabledReason: text('disabled_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

export type NotificationEndpoint = typeof notificationEndpoints.$inferSelect;
