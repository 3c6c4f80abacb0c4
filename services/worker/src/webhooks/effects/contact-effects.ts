import { ghlContacts } from '@ghl-bridge/db';
import { UnrecoverableError } from 'bullmq';
import { and, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { SingleEffect, Transaction } from '../webhook-effect.js';
import { eventTime } from './event-time.js';

// Contact events are flat: the contact's fields sit at the top level and `id` is the contact id.
const contactEvent = z.looseObject({
  id: z.string().min(1),
  locationId: z.string().min(1),
  timestamp: z.string().optional(),
  dateAdded: z.string().optional(),
  name: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

function parse(raw: Record<string, unknown>) {
  const parsed = contactEvent.safeParse(raw);
  if (!parsed.success)
    throw new UnrecoverableError(`contact webhook does not match GHL's shape: ${parsed.error.message}`);
  const { type: _type, webhookId: _webhookId, timestamp: _timestamp, ...data } = parsed.data;
  const name =
    parsed.data.name ?? ([parsed.data.firstName, parsed.data.lastName].filter(Boolean).join(' ') || null);
  const at = eventTime(parsed.data.timestamp, parsed.data.dateAdded) ?? new Date();
  return { contact: parsed.data, data, name, at };
}

/**
 * Writes the contact as this event describes it, unless we hold a newer event's state or a
 * tombstone: a stale event, or a late create after a delete, changes nothing.
 */
async function writeContact(tx: Transaction, raw: Record<string, unknown>, deleted: boolean) {
  const { contact, data, name, at } = parse(raw);
  const values = {
    id: contact.id,
    locationId: contact.locationId,
    name,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    data,
    lastEventAt: at,
    deletedAt: deleted ? new Date() : null,
    updatedAt: new Date(),
  };
  const written = await tx
    .insert(ghlContacts)
    .values(values)
    .onConflictDoUpdate({
      target: ghlContacts.id,
      set: values,
      where: and(lt(ghlContacts.lastEventAt, at), isNull(ghlContacts.deletedAt)),
    })
    .returning({ id: ghlContacts.id });
  return written.length > 0 ? 'processed' : 'ignored';
}

/** The record a contact event changes. */
export const contactKeys = (event: Record<string, unknown>) => [`contact:${String(event.id)}`];

/** ContactCreate / ContactUpdate: keep the newest state. */
export const upsertContact: SingleEffect = (tx, raw) => writeContact(tx, raw, false);

/** ContactDelete: a tombstone, so a late Create cannot resurrect the contact. */
export const deleteContact: SingleEffect = (tx, raw) => writeContact(tx, raw, true);
