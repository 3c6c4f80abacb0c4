import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Staff API keys. Only a SHA-256 of the key is kept: keys are 256-bit random, so a fast hash
 * is enough, and a leaked table grants nothing. Each key may act on its listed locations only.
 */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  // The key's first characters, so operators can tell keys apart without the secret.
  keyPrefix: text('key_prefix').notNull(),
  locationIds: text('location_ids').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export type ApiKey = typeof apiKeys.$inferSelect;
