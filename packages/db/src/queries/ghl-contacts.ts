import { and, isNull, lt } from 'drizzle-orm';
import { ghlContacts } from '../schema/ghl-contacts.js';
import type { Executor } from './executor.js';

export interface GhlContactState {
  id: string;
  locationId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  data: Record<string, unknown>;
  /** When GHL says this state is from; an older state changes nothing. */
  at: Date;
  deleted: boolean;
}

/**
 * Stores a contact as GHL describes it (a webhook, or a read), unless we hold a newer state or
 * a tombstone: a stale event, or a late create after a delete, changes nothing. True when
 * written.
 */
export async function saveGhlContact(db: Executor, contact: GhlContactState): Promise<boolean> {
  const values = {
    id: contact.id,
    locationId: contact.locationId,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    data: contact.data,
    lastEventAt: contact.at,
    deletedAt: contact.deleted ? new Date() : null,
    updatedAt: new Date(),
  };
  const written = await db
    .insert(ghlContacts)
    .values(values)
    .onConflictDoUpdate({
      target: ghlContacts.id,
      set: values,
      where: and(lt(ghlContacts.lastEventAt, contact.at), isNull(ghlContacts.deletedAt)),
    })
    .returning({ id: ghlContacts.id });
  return written.length > 0;
}
