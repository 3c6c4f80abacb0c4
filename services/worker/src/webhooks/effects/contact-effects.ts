import { applyContactToCitas } from '@ghl-bridge/citas';
import { saveGhlContact } from '@ghl-bridge/db';
import type { EventOf, SingleEffect } from '../webhook-effect.js';

/** The record a contact event changes. */
export const contactKeys = (event: Record<string, unknown>) => [`contact:${String(event.id)}`];

/**
 * ContactCreate / Update / TagUpdate / DndUpdate: keep the newest state, and carry the
 * patient's name, phone and email onto the citas that name the contact.
 */
export const upsertContact: SingleEffect<EventOf<'contact.upsert'>> = async ({ tx }, { contact }) => {
  if (!(await saveGhlContact(tx, { ...contact, deleted: false }))) return 'ignored';
  await applyContactToCitas(tx, contact, 'ghl');
  return 'processed';
};

/** ContactDelete: a tombstone, so a late Create cannot resurrect the contact. */
export const deleteContact: SingleEffect<EventOf<'contact.delete'>> = async ({ tx }, { contact }) =>
  (await saveGhlContact(tx, { ...contact, deleted: true })) ? 'processed' : 'ignored';
