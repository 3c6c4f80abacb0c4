import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * GHL contacts as their webhooks describe them, so citas created in GHL can name their patient.
 * Deletes keep a tombstone; `last_event_at` (the webhook's timestamp) keeps a late event from
 * overwriting a newer one.
 */
export const ghlContacts = pgTable(
  'ghl_contacts',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id').notNull(),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    // The whole contact as GHL last sent it: fields we do not model are still at hand.
    data: jsonb('data').notNull(),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('ghl_contacts_location_idx').on(t.locationId)],
);

export type GhlContact = typeof ghlContacts.$inferSelect;
