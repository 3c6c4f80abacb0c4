import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createBlockedSlot, deleteBlockedSlot } from '../domain/blocked-slots.js';
import { applyContactPatch, contactMarks, emitContactUpdate, newContact } from '../domain/contact-ops.js';
import type { Contact } from '../domain/types.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';

// What a GHL user can set on an appointment in GHL's UI, `notes` included (the API has no way to).
const uiAppointment = z.object({
  calendarId: z.string(),
  contactId: z.string(),
  startTime: z.string(),
  endTime: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  notes: z.string().optional(),
  appointmentStatus: z.string().optional(),
  assignedUserId: z.string().optional(),
  address: z.string().optional(),
});

const uiBlockedSlot = z.strictObject({
  locationId: z.string().optional(),
  calendarId: z.string().optional(),
  assignedUserId: z.string().optional(),
  title: z.string().optional(),
  startTime: z.string(),
  endTime: z.string(),
});

const text = z.string().nullable().optional();
const dndChannel = z.object({
  status: z.enum(['active', 'inactive', 'permanent']),
  message: z.string().optional(),
  code: z.string().optional(),
});

// Strict so a misspelt field in a test fails loudly instead of changing nothing.
const uiContact = z.strictObject({
  firstName: text,
  lastName: text,
  name: text,
  email: text,
  phone: text,
  address1: text,
  city: text,
  state: text,
  postalCode: z.string().optional(),
  country: z.string().optional(),
  website: text,
  timezone: text,
  companyName: text,
  dateOfBirth: text,
  source: z.string().optional(),
  gender: z.string().optional(),
  assignedTo: z.string().optional(),
  tags: z.array(z.string()).optional(),
  dnd: z.boolean().optional(),
  dndSettings: z
    .partialRecord(z.enum(['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB']), dndChannel)
    .optional(),
});

const tagList = z.strictObject({ tags: z.array(z.string().min(1)).min(1) });

type IdParams = { Params: { id: string } };

/**
 * `/_sandbox/*` changes made "in GHL's UI" by a GHL user: the same webhooks as GHL sends, no
 * slot validation, appointment source `booking_widget`. Blocks send no webhook (GHL documents none).
 */
export function uiRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store, clock } = state;
  const p = '/_sandbox';

  app.post(`${p}/appointments`, async (request) => {
    const body = parseOr422(uiAppointment, request.body);
    const cal = store.calendars.get(body.calendarId);
    if (!cal) throw ghlError(404, 'Unknown calendar');
    return state.appointments.create(
      { ...body, locationId: cal.locationId, ignoreFreeSlotValidation: true },
      { source: 'booking_widget' },
    );
  });
  app.put<IdParams>(`${p}/appointments/:id`, async (request) => {
    const body = parseOr422(uiAppointment.partial(), request.body);
    return state.appointments.update(request.params.id, { ...body, ignoreFreeSlotValidation: true });
  });
  app.delete<IdParams>(`${p}/appointments/:id`, async (request) =>
    state.appointments.delete(request.params.id),
  );

  app.get(`${p}/blocked-slots`, async () => ({ blockedSlots: [...store.blockedSlots.values()] }));
  app.post(`${p}/blocked-slots`, async (request) =>
    createBlockedSlot(store, clock, parseOr422(uiBlockedSlot, request.body)),
  );
  app.delete<IdParams>(`${p}/blocked-slots/:id`, async (request) =>
    deleteBlockedSlot(store, request.params.id),
  );

  const contactOr404 = (id: string): Contact => {
    const c = store.contacts.get(id);
    if (!c) throw ghlError(404, 'Unknown contact');
    return c;
  };
  const change = (c: Contact, edit: (c: Contact) => void): Contact => {
    const before = contactMarks(c);
    edit(c);
    c.dateUpdated = Math.max(clock.now(), c.dateUpdated + 1);
    emitContactUpdate(store, c, before);
    return c;
  };
  // A patient new to GHL, added by a GHL user (a walk-in): ContactCreate, as an API create sends.
  app.post(`${p}/contacts`, async (request) => {
    const { locationId, ...fields } = parseOr422(uiContact.extend({ locationId: z.string() }), request.body);
    if (!store.locations.has(locationId)) throw ghlError(404, 'Unknown location');
    const contact = newContact(locationId, clock.now());
    applyContactPatch(contact, fields);
    store.contacts.set(contact.id, contact);
    store.emit({ type: 'ContactCreate', contact });
    return contact;
  });
  app.put<IdParams>(`${p}/contacts/:id`, async (request) => {
    const patch = parseOr422(uiContact, request.body);
    return change(contactOr404(request.params.id), (c) => applyContactPatch(c, patch));
  });
  app.post<IdParams>(`${p}/contacts/:id/tags`, async (request) => {
    const { tags } = parseOr422(tagList, request.body);
    return change(contactOr404(request.params.id), (c) => {
      c.tags = [...c.tags, ...tags.filter((t) => !c.tags.includes(t))];
    });
  });
  app.delete<IdParams>(`${p}/contacts/:id/tags`, async (request) => {
    const { tags } = parseOr422(tagList, request.body);
    return change(contactOr404(request.params.id), (c) => {
      c.tags = c.tags.filter((t) => !tags.includes(t));
    });
  });
}
