import { applyContactToCitas, contactsByIds } from '@ghl-bridge/citas';
import { saveGhlContact } from '@ghl-bridge/db';
import type { Processor } from './types.js';

/**
 * Reads a contact an appointment named from GHL, keeps it, and names the patient on the citas
 * that point at it.
 */
export const processContactFetch: Processor<'ghl.contact-fetch'> = async ({ payload, deps, log }) => {
  const contact = await deps.ghl.getContact(payload.locationId, payload.contactId);
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || null;
  const facts = {
    id: contact.id,
    // The appointment's location: a contact read with its token belongs to it.
    locationId: payload.locationId,
    name: (typeof contact.name === 'string' && contact.name) || name,
    email: contact.email || null,
    phone: contact.phone || null,
  };
  const updated = await deps.db.transaction(async (tx) => {
    const at = new Date(String(contact.dateUpdated ?? contact.dateAdded ?? Date.now()));
    const state = { ...facts, data: contact, at: Number.isNaN(at.getTime()) ? new Date() : at };
    const saved = await saveGhlContact(tx, { ...state, deleted: false });
    // A newer state is held already, from a webhook. That webhook may have been applied while
    // the appointment naming the contact was still uncommitted, so it named no cita: name the
    // patients from the newer state now.
    const newest = saved ? facts : (await contactsByIds(tx, [facts.id])).get(facts.id);
    return newest ? applyContactToCitas(tx, newest, 'ghl') : 0;
  });
  log.info({ locationId: payload.locationId, citas: updated }, 'GHL contact fetched');
  return { citas: updated };
};
