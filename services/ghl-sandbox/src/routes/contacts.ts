import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applyContactPatch, contactMarks, emitContactUpdate, newContact } from '../domain/contact-ops.js';
import { contactDto } from '../domain/serialize.js';
import type { Store } from '../domain/store.js';
import type { Contact } from '../domain/types.js';
import { assertLocation } from '../http/api-guard.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';

const API = { api: { auth: 'Location', version: true } } as const;

const dndChannel = z.object({
  status: z.string(),
  message: z.string().optional(),
  code: z.string().optional(),
});

// UpsertContactDto. Strict: unknown properties get GHL's 422 "property x should not exist".
const upsertBody = z.strictObject({
  locationId: z.string(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  gender: z.string().optional(),
  phone: z.string().nullish(),
  address1: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postalCode: z.string().optional(),
  website: z.string().nullish(),
  timezone: z.string().nullish(),
  dnd: z.boolean().optional(),
  dndSettings: z.record(z.string(), dndChannel).optional(),
  inboundDndSettings: z.record(z.string(), dndChannel).optional(),
  tags: z.array(z.string()).optional(),
  customFields: z
    .array(
      z.object({
        id: z.string().optional(),
        key: z.string().optional(),
        field_value: z.unknown().optional(),
        value: z.unknown().optional(),
      }),
    )
    .optional(),
  source: z.string().optional(),
  dateOfBirth: z.string().nullish(),
  country: z.string().optional(),
  companyName: z.string().nullish(),
  assignedTo: z.string().optional(),
  createNewIfDuplicateAllowed: z.boolean().optional(),
});

type UpsertBody = z.infer<typeof upsertBody>;

const normPhone = (p: string): string => p.replace(/[^\d+]/g, '');

/** Matching per ghl-api.md §4.5: email and phone, the location's priority field wins a tie. */
function findMatch(store: Store, body: UpsertBody): Contact | undefined {
  const location = store.locations.get(body.locationId);
  if (location?.allowDuplicateContact && body.createNewIfDuplicateAllowed) return undefined;
  let byEmail: Contact | undefined;
  let byPhone: Contact | undefined;
  const email = body.email?.toLowerCase();
  const phone = body.phone ? normPhone(body.phone) : undefined;
  for (const c of store.contacts.values()) {
    if (c.locationId !== body.locationId) continue;
    if (email && !byEmail && c.email?.toLowerCase() === email) byEmail = c;
    if (phone && !byPhone && c.phone && normPhone(c.phone) === phone) byPhone = c;
  }
  return location?.duplicatePriority === 'phone' ? (byPhone ?? byEmail) : (byEmail ?? byPhone);
}

export function contactRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store } = state;

  app.post('/contacts/upsert', { config: API }, async (request) => {
    const body = parseOr422(upsertBody, request.body);
    assertLocation(request, body.locationId);
    const now = state.clock.now();
    const existing = findMatch(store, body);
    const contact = existing ?? newContact(body.locationId, now);
    const before = contactMarks(contact);
    applyContactPatch(contact, body);
    contact.dateUpdated = now;
    store.contacts.set(contact.id, contact);
    if (existing) emitContactUpdate(store, contact, before);
    else store.emit({ type: 'ContactCreate', contact });
    return { new: !existing, contact: contactDto(contact), traceId: randomUUID() };
  });

  app.get<{ Params: { contactId: string } }>('/contacts/:contactId', { config: API }, async (request) => {
    const c = store.contacts.get(request.params.contactId);
    if (!c) throw ghlError(400, 'Contact not found');
    assertLocation(request, c.locationId);
    return { contact: contactDto(c), traceId: randomUUID() };
  });

  app.delete<{ Params: { contactId: string } }>('/contacts/:contactId', { config: API }, async (request) => {
    const c = store.contacts.get(request.params.contactId);
    if (!c) throw ghlError(400, 'Contact not found');
    assertLocation(request, c.locationId);
    store.contacts.delete(c.id);
    store.emit({ type: 'ContactDelete', contact: c });
    return { succeeded: true };
  });
}
