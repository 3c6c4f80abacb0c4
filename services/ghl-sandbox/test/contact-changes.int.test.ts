import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  api,
  responseFields,
  shapeErrors,
  startReceiver,
  startWorld,
  under,
  type World,
  webhookExample,
} from './helpers.js';

let w: World;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  w = await startWorld({ webhook: { url: receiver.url } });
});
afterAll(async () => {
  await w.sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  await w.sandbox.admin.webhooksIdle();
  receiver.received.length = 0;
});

async function received(): Promise<Record<string, unknown>[]> {
  await w.sandbox.admin.webhooksIdle();
  return receiver.received.map((h) => h.json);
}

/** What arrived since the last call: the deliveries of one UI change. */
async function receivedOnce(): Promise<Record<string, unknown>[]> {
  const hooks = await received();
  receiver.received.length = 0;
  return hooks;
}

function ofType(hooks: Record<string, unknown>[], type: string): Record<string, unknown> {
  const hook = hooks.find((h) => h.type === type);
  if (!hook) throw new Error(`no ${type} among ${hooks.map((h) => h.type).join(', ')}`);
  return hook;
}

/** The field names of GHL's published example, plus the envelope every delivery has. */
function keysOf(type: 'ContactCreate' | 'ContactUpdate' | 'ContactTagUpdate' | 'ContactDndUpdate'): string[] {
  return [...Object.keys(webhookExample(type)), 'timestamp', 'webhookId'].sort();
}

// Every field of GHL's ContactUpdate example, set in GHL's UI.
const FULL = {
  firstName: 'Ana',
  lastName: 'Rojas',
  name: 'Ana Rojas',
  email: 'ana@example.com',
  phone: '+51999000111',
  address1: 'Av. Larco 123',
  city: 'Lima',
  state: 'Lima',
  postalCode: '15074',
  country: 'PE',
  companyName: 'Clinic Group',
  source: 'front desk',
  website: 'https://example.com/',
  dateOfBirth: '1990-05-01',
  assignedTo: 'user-1',
};

describe('GET /contacts/{id}', () => {
  it('answers {contact} with the field types of get-contact.json, DND settings included', async () => {
    await w.sandbox.admin.uiUpdateContact(w.contactId, {
      ...FULL,
      dnd: true,
      dndSettings: { SMS: { status: 'active', message: 'asked by phone', code: 'x' } },
    });
    const res = await api(w, 'GET', `/contacts/${w.contactId}`);
    expect(res.status).toBe(200);
    const contact = (res.body as { contact: Record<string, unknown> }).contact;
    const fields = responseFields('get-contact');
    expect(shapeErrors(contact, under(fields, 'contact.'))).toEqual([]);
    expect(shapeErrors(contact.dndSettings, under(fields, 'contact.dndSettings.'))).toEqual([]);
    expect(
      shapeErrors(
        (contact.dndSettings as Record<string, unknown>).SMS,
        under(fields, 'contact.dndSettings.SMS.'),
      ),
    ).toEqual([]);
    expect(contact).toMatchObject({ ...FULL, id: w.contactId, locationId: w.locationId, dnd: true });
    expect(typeof (res.body as { traceId: unknown }).traceId).toBe('string');
  });
});

describe("contact changes made in GHL's UI", () => {
  it('sends ContactUpdate with the field names of GHL’s example when fields change', async () => {
    const changed = await w.sandbox.admin.uiUpdateContact(w.contactId, { ...FULL, city: 'Arequipa' });
    expect(changed).toMatchObject({ city: 'Arequipa' });
    const hooks = await received();
    expect(hooks.map((h) => h.type)).toEqual(['ContactUpdate']);
    const hook = hooks[0] ?? {};
    expect(hook).toMatchObject({ id: w.contactId, locationId: w.locationId, city: 'Arequipa' });
    expect(Object.keys(hook).sort()).toEqual(keysOf('ContactUpdate'));
    expect((await api(w, 'GET', `/contacts/${w.contactId}`)).body).toMatchObject({
      contact: { city: 'Arequipa' },
    });
  });

  it('sends ContactUpdate and ContactTagUpdate, both full flat contact bodies, when tags change', async () => {
    // GHL delivers concurrently, so the two events of one change may arrive in either order.
    await w.sandbox.admin.uiAddContactTags(w.contactId, ['vip', 'diabetic']);
    const afterAdd = await receivedOnce();
    expect(afterAdd.map((h) => h.type).sort()).toEqual(['ContactTagUpdate', 'ContactUpdate']);
    expect(ofType(afterAdd, 'ContactTagUpdate').tags).toEqual(['vip', 'diabetic']);

    await w.sandbox.admin.uiRemoveContactTags(w.contactId, ['vip']);
    const afterRemove = await receivedOnce();
    expect(afterRemove.map((h) => h.type).sort()).toEqual(['ContactTagUpdate', 'ContactUpdate']);
    const removed = ofType(afterRemove, 'ContactTagUpdate');
    expect(removed.tags).toEqual(['diabetic']);
    expect(Object.keys(removed).sort()).toEqual(keysOf('ContactTagUpdate'));
    expect(removed).toMatchObject({ id: w.contactId, locationId: w.locationId, email: FULL.email });
    expect(removed).not.toHaveProperty('contact');

    // Adding a tag it already has changes no tag: ContactUpdate alone.
    await w.sandbox.admin.uiAddContactTags(w.contactId, ['diabetic']);
    expect((await receivedOnce()).map((h) => h.type)).toEqual(['ContactUpdate']);
  });

  it('sends ContactUpdate and ContactDndUpdate when DND changes, with the DND settings', async () => {
    await w.sandbox.admin.uiUpdateContact(w.contactId, {
      dnd: false,
      dndSettings: { Email: { status: 'inactive' } },
    });
    const hooks = await receivedOnce();
    expect(hooks.map((h) => h.type).sort()).toEqual(['ContactDndUpdate', 'ContactUpdate']);
    const dnd = ofType(hooks, 'ContactDndUpdate');
    expect(dnd).toMatchObject({
      id: w.contactId,
      dnd: false,
      dndSettings: { Email: { status: 'inactive' } },
      tags: ['diabetic'],
    });
    expect(Object.keys(dnd).sort()).toEqual(keysOf('ContactDndUpdate'));
    // As in GHL's examples, only ContactDndUpdate carries the DND settings.
    expect(Object.keys(ofType(hooks, 'ContactUpdate')).sort()).toEqual(keysOf('ContactUpdate'));
  });

  it('sends ContactTagUpdate when an API upsert changes the tags of an existing contact, not when it keeps them', async () => {
    await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, email: FULL.email, tags: ['follow-up'] },
    });
    expect((await receivedOnce()).map((h) => h.type).sort()).toEqual(['ContactTagUpdate', 'ContactUpdate']);
    await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, email: FULL.email, tags: ['follow-up'], firstName: 'Ana María' },
    });
    expect((await receivedOnce()).map((h) => h.type)).toEqual(['ContactUpdate']);
  });

  it('sends ContactCreate, with the field names of GHL’s example, for a contact added in the UI', async () => {
    const made = await w.sandbox.admin.uiCreateContact({
      ...FULL,
      locationId: w.locationId,
      firstName: 'Rosa',
      lastName: 'Huamán',
      tags: ['walk-in'],
    });
    const hooks = await receivedOnce();
    expect(hooks.map((h) => h.type)).toEqual(['ContactCreate']);
    expect(hooks[0]).toMatchObject({
      id: made.id,
      locationId: w.locationId,
      firstName: 'Rosa',
      tags: ['walk-in'],
    });
    // Every field set, so every field of the example is sent (unset ones are left out).
    expect(Object.keys(hooks[0] ?? {}).sort()).toEqual(keysOf('ContactCreate'));
    expect((await api(w, 'GET', `/contacts/${made.id}`)).body).toMatchObject({
      contact: { id: made.id, lastName: 'Huamán', phone: FULL.phone },
    });
    await expect(w.sandbox.admin.uiCreateContact({ locationId: 'nowhere', firstName: 'X' })).rejects.toThrow(
      /404/,
    );
  });

  it('refuses unknown fields and unknown contacts', async () => {
    await expect(w.sandbox.admin.uiUpdateContact(w.contactId, { colour: 'red' } as never)).rejects.toThrow(
      /422.*property colour should not exist/,
    );
    await expect(w.sandbox.admin.uiAddContactTags('nobody', ['x'])).rejects.toThrow(/404/);
    expect(await received()).toEqual([]);
  });
});
