import { sql } from 'drizzle-orm';
import { integer, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const ghlTokenStatus = pgEnum('ghl_token_status', ['active', 'needs_reauth']);
export const ghlUserType = pgEnum('ghl_user_type', ['Location', 'Company']);

/**
 * OAuth tokens per GHL location (or company, for agency installs). Both tokens are encrypted
 * (AES-256-GCM) before they reach this table. `version` is the compare-and-set guard: GHL
 * refresh tokens are single use, so a rotated pair is stored only over the pair it replaced.
 */
export const ghlTokens = pgTable('ghl_tokens', {
  // The location id, or the company id for a Company token.
  resourceId: text('resource_id').primaryKey(),
  userType: ghlUserType('user_type').notNull(),
  companyId: text('company_id'),
  accessTokenEnc: text('access_token_enc').notNull(),
  refreshTokenEnc: text('refresh_token_enc'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  scopes: text('scopes').notNull().default(''),
  version: integer('version').notNull().default(1),
  status: ghlTokenStatus('status').notNull().default('active'),
  // Why re-authorisation is needed, for the operator (never a token).
  statusReason: text('status_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

export type GhlTokenRow = typeof ghlTokens.$inferSelect;
