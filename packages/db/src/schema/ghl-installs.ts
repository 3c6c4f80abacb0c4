import { sql } from 'drizzle-orm';
import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Where the Marketplace app is installed, from INSTALL / UNINSTALL webhooks (location or company). */
export const ghlInstalls = pgTable('ghl_installs', {
  // A location id, or a company id for agency-level installs.
  resourceId: text('resource_id').primaryKey(),
  companyId: text('company_id'),
  installed: boolean('installed').notNull(),
  // The webhook timestamp of the last INSTALL/UNINSTALL applied: an older one changes nothing.
  lastEventAt: timestamp('last_event_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

export type GhlInstall = typeof ghlInstalls.$inferSelect;
