import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  api,
  limaSlot,
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
  await w.sandbox.admin.seed({
    users: [
      { id: 'user-2', locationId: w.locationId },
      { id: 'user-3', locationId: w.locationId },
    ],
    calendars: [
      {
        id: 'cal-primary',
        locationId: w.locationId,
        teamMembers: [
          { userId: 'user-2', priority: 1 },
          { userId: 'user-3', priority: 0.5, isPrimary: true },
        ],
      },
      {
        id: 'cal-priority',
        locationId: w.locationId,
        teamMembers: [
          { userId: 'user-2', priority: 0.5 },
          { userId: 'user-3', priority: 1 },
        ],
      },
      { id: 'cal-first', locationId: w.locationId, teamMembers: ['user-2', 'user-3'] },
      { id: 'cal-nobody', locationId: w.locationId, teamMembers: [] },
    ],
  });
});
afterAll(async () => {
  await w.sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  await w.sandbox.admin.webhooksIdle();
  receiver.received.length = 0;
});

async function book(calendarId: string, startIso: string, extra: Record<string, unknown> = {}) {
  return api(w, 'POST', '/calendars/events/appointments', {
    body: { calendarId, locationId: w.locationId, contactId: w.contactId, startTime: startIso, ...extra },
  });
}

async function event(id: string): Promise<Record<string, unknown>> {
  const res = await api(w, 'GET', `/calendars/events/appointments/${id}`);
  expect(res.status).toBe(200);
  return (res.body as { event: Record<string, unknown> }).event;
}

async function hooks(type: string): Promise<Record<string, unknown>[]> {
  await w.sandbox.admin.webhooksIdle();
  return receiver.received.filter((h) => h.json.type === type).map((h) => h.json);
}

describe('notes and description, as GHL has them', () => {
  it('refuses notes in a create or update body with 422, as any property the spec does not list', async () => {
    const create = await book(w.calendarId, limaSlot(9, 0).iso, { notes: 'allergic to latex' });
    expect(create.status).toBe(422);
    expect(create.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: ['property notes should not exist'],
    });
    const created = await book(w.calendarId, limaSlot(9, 0).iso);
    const id = (created.body as { id: string }).id;
    const update = await api(w, 'PUT', `/calendars/events/appointments/${id}`, { body: { notes: 'x' } });
    expect(update.status).toBe(422);
    expect(update.body).toMatchObject({ message: ['property notes should not exist'] });
  });

  it('keeps description from the API apart from notes; GET and events return both, webhooks only notes', async () => {
    const slot = limaSlot(9, 30);
    const created = await book(w.calendarId, slot.iso, { description: 'first visit' });
    expect(created.status).toBe(200);
    const id = (created.body as { id: string }).id;
    expect(await event(id)).toMatchObject({ description: 'first visit', notes: '' });

    const q = `locationId=${w.locationId}&calendarId=${w.calendarId}&startTime=${slot.ms}&endTime=${slot.ms + 1}`;
    const listed = (await api(w, 'GET', `/calendars/events?${q}`)).body as {
      events: Record<string, unknown>[];
    };
    expect(listed.events.find((e) => e.id === id)).toMatchObject({ description: 'first visit', notes: '' });

    const [createHook] = await hooks('AppointmentCreate');
    const appointment = createHook?.appointment as Record<string, unknown>;
    expect(appointment).toMatchObject({ id, notes: '' });
    expect(appointment).not.toHaveProperty('description');
    // The same field names as GHL's published AppointmentCreate example, no more, no fewer.
    const example = webhookExample('AppointmentCreate').appointment as Record<string, unknown>;
    expect(Object.keys(appointment).sort()).toEqual(Object.keys(example).sort());
  });

  it("sets notes only through GHL's UI; the update webhook carries them, GET shows both fields", async () => {
    const created = await book(w.calendarId, limaSlot(10, 0).iso, { description: 'from RV3' });
    const id = (created.body as { id: string }).id;
    await w.sandbox.admin.uiUpdateAppointment(id, { notes: 'bring x-rays', title: 'Control' });
    expect(await event(id)).toMatchObject({
      notes: 'bring x-rays',
      description: 'from RV3',
      title: 'Control',
    });
    const [update] = await hooks('AppointmentUpdate');
    expect(update?.appointment).toMatchObject({ id, notes: 'bring x-rays', title: 'Control' });
    expect(update?.appointment).not.toHaveProperty('description');

    await w.sandbox.admin.uiUpdateAppointment(id, { description: 'edited in GHL' });
    expect(await event(id)).toMatchObject({ notes: 'bring x-rays', description: 'edited in GHL' });
  });

  it('lets the UI create with notes and change calendar, contact, times, status and user', async () => {
    const made = await w.sandbox.admin.uiCreateAppointment({
      calendarId: w.calendarId,
      contactId: w.contactId,
      startTime: limaSlot(10, 30).iso,
      notes: 'walk-in',
      description: 'booked by phone',
    });
    expect(await event(made.id)).toMatchObject({ notes: 'walk-in', description: 'booked by phone' });
    await w.sandbox.admin.seed({
      contacts: [{ id: 'contact-2', locationId: w.locationId, firstName: 'Luz' }],
    });
    const moved = limaSlot(15, 30, 3);
    await w.sandbox.admin.uiUpdateAppointment(made.id, {
      calendarId: 'cal-first',
      contactId: 'contact-2',
      startTime: moved.iso,
      endTime: new Date(moved.ms + 45 * 60_000).toISOString(),
      appointmentStatus: 'showed',
      assignedUserId: 'user-3',
    });
    expect(await event(made.id)).toMatchObject({
      calendarId: 'cal-first',
      contactId: 'contact-2',
      startTime: moved.iso,
      appointmentStatus: 'showed',
      assignedUserId: 'user-3',
      notes: 'walk-in',
    });
    const [update] = await hooks('AppointmentUpdate');
    expect(update?.appointment).toMatchObject({ contactId: 'contact-2', calendarId: 'cal-first' });
  });
});

describe('assignment, as GHL does it', () => {
  it('shows team members with userId, priority and isPrimary in GET /calendars/ and GET /calendars/{id}', async () => {
    const one = await api(w, 'GET', '/calendars/cal-primary');
    expect(one.status).toBe(200);
    const calendar = (one.body as { calendar: Record<string, unknown> }).calendar;
    expect(shapeErrors(calendar, under(responseFields('get-calendar'), 'calendar.'))).toEqual([]);
    const members = calendar.teamMembers as Record<string, unknown>[];
    expect(members.map(({ userId, priority, isPrimary }) => ({ userId, priority, isPrimary }))).toEqual([
      { userId: 'user-2', priority: 1, isPrimary: false },
      { userId: 'user-3', priority: 0.5, isPrimary: true },
    ]);
    for (const m of members) {
      expect(shapeErrors(m, under(responseFields('get-calendar'), 'calendar.teamMembers[].'))).toEqual([]);
    }
    const list = await api(w, 'GET', `/calendars/?locationId=${w.locationId}`);
    const listed = (list.body as { calendars: Record<string, unknown>[] }).calendars;
    expect(listed.find((c) => c.id === 'cal-priority')?.teamMembers).toMatchObject([
      { userId: 'user-2', priority: 0.5, isPrimary: false },
      { userId: 'user-3', priority: 1, isPrimary: false },
    ]);
  });

  it('assigns the primary member, else the highest priority, else the first; none without members', async () => {
    const cases: [string, string][] = [
      ['cal-primary', 'user-3'],
      ['cal-priority', 'user-3'],
      ['cal-first', 'user-2'],
      ['cal-nobody', ''],
    ];
    const slot = limaSlot(11, 0);
    for (const [calendarId, expected] of cases) {
      const res = await book(calendarId, slot.iso);
      expect(res.status).toBe(200);
      const body = res.body as { id: string; assignedUserId: string };
      expect(body.assignedUserId, calendarId).toBe(expected);
      expect(await event(body.id)).toMatchObject({
        assignedUserId: expected,
        users: expected ? [expected] : [],
      });
    }
    const created = await hooks('AppointmentCreate');
    expect(created.map((h) => (h.appointment as { assignedUserId: string }).assignedUserId)).toEqual(
      cases.map(([, user]) => user),
    );
  });

  it('keeps an assignedUserId the create names', async () => {
    const res = await book('cal-primary', limaSlot(11, 30).iso, { assignedUserId: 'user-2' });
    expect(res.body).toMatchObject({ assignedUserId: 'user-2' });
  });
});
