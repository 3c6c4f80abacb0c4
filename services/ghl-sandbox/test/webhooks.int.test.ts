import { createVerify, verify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, limaSlot, startReceiver, startWorld, type World } from './helpers.js';

let w: World;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let answer = 200;

beforeAll(async () => {
  receiver = await startReceiver(() => answer);
  w = await startWorld({ webhook: { url: receiver.url, retrySpacingMs: 30 } });
});
afterAll(async () => {
  await w.sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  answer = 200;
  await w.sandbox.admin.webhooksIdle();
  receiver.received.length = 0;
});

describe('webhooks', () => {
  it('signs the raw body so it verifies with the published Ed25519 and RSA keys', async () => {
    await w.sandbox.admin.install(w.locationId);
    await w.sandbox.admin.webhooksIdle();
    const hook = receiver.received.find((h) => h.json.type === 'INSTALL');
    if (!hook) throw new Error('no INSTALL webhook received');
    expect(hook.json).toMatchObject({
      type: 'INSTALL',
      locationId: w.locationId,
      companyId: w.companyId,
      appId: expect.any(String),
    });
    const ed = Buffer.from(String(hook.headers['x-ghl-signature']), 'base64');
    expect(ed).toHaveLength(64);
    expect(verify(null, hook.raw, w.sandbox.publicKeys.ed25519, ed)).toBe(true);
    const rsaSig = String(hook.headers['x-wh-signature']);
    expect(createVerify('SHA256').update(hook.raw).verify(w.sandbox.publicKeys.rsa, rsaSig, 'base64')).toBe(
      true,
    );
    // Tampering with one byte breaks both.
    const tampered = Buffer.from(hook.raw);
    const at = tampered.length - 2;
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    expect(verify(null, tampered, w.sandbox.publicKeys.ed25519, ed)).toBe(false);
    expect(await w.sandbox.admin.keys()).toEqual(w.sandbox.publicKeys);
  });

  it('echoes an appointment created through the API as a signed AppointmentCreate with timestamp and webhookId', async () => {
    const res = await api(w, 'POST', '/calendars/events/appointments', {
      body: {
        calendarId: w.calendarId,
        locationId: w.locationId,
        contactId: w.contactId,
        startTime: limaSlot(10, 30).iso,
      },
    });
    const id = (res.body as { id: string }).id;
    await w.sandbox.admin.webhooksIdle();
    const hook = receiver.received.find((h) => h.json.type === 'AppointmentCreate');
    expect(hook?.json).toMatchObject({
      type: 'AppointmentCreate',
      locationId: w.locationId,
      appointment: {
        id,
        calendarId: w.calendarId,
        contactId: w.contactId,
        startTime: limaSlot(10, 30).iso,
        dateAdded: expect.any(String),
      },
      webhookId: expect.any(String),
    });
    expect(new Date(String(hook?.json.timestamp)).toISOString()).toBe(hook?.json.timestamp);

    await api(w, 'PUT', `/calendars/events/appointments/${id}`, { body: { appointmentStatus: 'cancelled' } });
    await api(w, 'DELETE', `/calendars/events/${id}`);
    await api(w, 'POST', '/contacts/upsert', {
      body: { locationId: w.locationId, email: 'new@example.com' },
    });
    await w.sandbox.admin.webhooksIdle();
    // Deliveries run concurrently, as GHL's do: which arrives first is not part of the contract.
    const types = receiver.received.map((h) => String(h.json.type));
    expect(types.sort()).toEqual([
      'AppointmentCreate',
      'AppointmentDelete',
      'AppointmentUpdate',
      'ContactCreate',
    ]);
    const contact = receiver.received.find((h) => h.json.type === 'ContactCreate')?.json;
    expect(contact).toMatchObject({
      locationId: w.locationId,
      id: expect.any(String),
      email: 'new@example.com',
    });
  });

  it('retries only after a 429, with the same body and webhookId; a 500 is final', async () => {
    answer = 429;
    await w.sandbox.admin.install(w.locationId);
    await new Promise((r) => setTimeout(r, 45));
    answer = 200;
    await w.sandbox.admin.webhooksIdle();
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.received.map((h) => h.raw.toString()))).toHaveProperty('size', 1);

    receiver.received.length = 0;
    answer = 500;
    await w.sandbox.admin.uninstall(w.locationId);
    const { deliveries } = await w.sandbox.admin.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
    expect(deliveries.at(-1)).toMatchObject({
      type: 'UNINSTALL',
      state: 'failed',
      attempts: [{ status: 500 }],
    });
  });

  it('drops and duplicates deliveries when configured', async () => {
    await w.sandbox.admin.setWebhook({ dropRate: 1 });
    await w.sandbox.admin.uiCreateAppointment({
      calendarId: w.calendarId,
      contactId: w.contactId,
      startTime: limaSlot(11, 30).iso,
    });
    await w.sandbox.admin.webhooksIdle();
    expect(receiver.received).toHaveLength(0);
    await w.sandbox.admin.setWebhook({ dropRate: 0, duplicateRate: 1 });
    await w.sandbox.admin.uiCreateAppointment({
      calendarId: w.calendarId,
      contactId: w.contactId,
      startTime: limaSlot(12, 30).iso,
    });
    await w.sandbox.admin.webhooksIdle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.json.webhookId).toBe(receiver.received[1]?.json.webhookId);
    expect(receiver.received[0]?.json).toMatchObject({ appointment: { source: 'booking_widget' } });
    await w.sandbox.admin.setWebhook({ duplicateRate: 0 });
  });

  it('delivers out of order when configured: an update can overtake the create it follows', async () => {
    receiver.received.length = 0;
    // Every create is held back; the updates made right after it are not.
    await w.sandbox.admin.setWebhook({ outOfOrderRate: 1, reorderDelayMs: 150 });
    const created = await w.sandbox.admin.uiCreateAppointment({
      calendarId: w.calendarId,
      contactId: w.contactId,
      startTime: limaSlot(14, 30).iso,
    });
    await w.sandbox.admin.setWebhook({ outOfOrderRate: 0 });
    await w.sandbox.admin.uiUpdateAppointment(created.id, { title: 'Control' });
    await w.sandbox.admin.webhooksIdle();
    const types = receiver.received.map((r) => r.json.type);
    expect(types).toEqual(['AppointmentUpdate', 'AppointmentCreate']);
  });
});
