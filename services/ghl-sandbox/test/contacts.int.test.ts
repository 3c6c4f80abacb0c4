import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, responseFields, shapeErrors, startWorld, under, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.sandbox.close());

describe('contacts', () => {
  it('upserts a new contact as {new: true, contact, traceId} with the spec field types', async () => {
    const res = await api(w, 'POST', '/contacts/upsert', {
      body: {
        locationId: w.locationId,
        firstName: 'Luis',
        lastName: 'Paz',
        email: 'Luis@Example.com',
        phone: '+51 999 111 222',
        tags: ['clinic'],
      },
    });
    expect(res.status).toBe(200);
    const fields = responseFields('upsert-contact');
    expect(shapeErrors(res.body, fields)).toEqual([]);
    const body = res.body as { new: boolean; contact: Record<string, unknown>; traceId: string };
    expect(body.new).toBe(true);
    expect(typeof body.traceId).toBe('string');
    expect(shapeErrors(body.contact, under(fields, 'contact.'))).toEqual([]);
    expect(body.contact).toMatchObject({
      emailLowerCase: 'luis@example.com',
      name: 'Luis Paz',
      tags: ['clinic'],
    });
  });

  it('matches an existing contact by email, then by phone, and overwrites its tags', async () => {
    const byEmail = await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, email: 'ANA@example.com', tags: ['a'] },
    });
    expect(byEmail.body).toMatchObject({ new: false, contact: { id: w.contactId, tags: ['a'] } });
    await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, email: 'ana@example.com', phone: '+51 900 000 001' },
    });
    const byPhone = await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, phone: '+51900000001', tags: ['b'] },
    });
    expect(byPhone.body).toMatchObject({ new: false, contact: { id: w.contactId, tags: ['b'] } });
  });

  it('gets a contact as {contact}', async () => {
    const res = await api(w, 'GET', `/contacts/${w.contactId}`);
    expect(res.status).toBe(200);
    const contact = (res.body as { contact: Record<string, unknown> }).contact;
    expect(contact.id).toBe(w.contactId);
    expect(shapeErrors(contact, under(responseFields('upsert-contact'), 'contact.'))).toEqual([]);
  });

  it('rejects unknown properties with GHL 422 body', async () => {
    const res = await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, additionalEmails: ['x@y.z'] },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      message: ['property additionalEmails should not exist'],
      error: 'Unprocessable Entity',
      statusCode: 422,
    });
    const missing = await api(w, 'POST', '/contacts/upsert', { body: { email: 'x@y.z' } });
    expect(missing.status).toBe(422);
  });
});
