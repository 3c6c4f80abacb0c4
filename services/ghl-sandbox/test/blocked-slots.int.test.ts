import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  limaWeekdaySlot,
  responseFields,
  shapeErrors,
  startReceiver,
  startWorld,
  under,
  type World,
} from './helpers.js';

const SLOT_TAKEN = 'The slot you have selected is no longer available.';
const MIN = 60_000;

let w: World;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  w = await startWorld({ webhook: { url: receiver.url } });
  // calendar-1 has user-1 as its only member; cal-team adds user-2 (primary is user-1).
  await w.sandbox.admin.seed({
    users: [{ id: 'user-2', locationId: w.locationId }],
    calendars: [
      {
        id: 'cal-team',
        locationId: w.locationId,
        groupId: 'group-1',
        teamMembers: [{ userId: 'user-1', isPrimary: true }, 'user-2'],
      },
    ],
  });
});
afterAll(async () => {
  await w.sandbox.close();
  await receiver.close();
});

function book(calendarId: string, startIso: string, extra: Record<string, unknown> = {}) {
  return api(w, 'POST', '/calendars/events/appointments', {
    body: { calendarId, locationId: w.locationId, contactId: w.contactId, startTime: startIso, ...extra },
  });
}

async function slotsOn(calendarId: string, date: { date: string }, query = ''): Promise<string[]> {
  const start = Date.parse(`${date.date}T00:00:00-05:00`);
  const res = await api(
    w,
    'GET',
    `/calendars/${calendarId}/free-slots?startDate=${start}&endDate=${start + 86_399_000}&timezone=America/Lima${query}`,
  );
  expect(res.status).toBe(200);
  return (res.body as Record<string, { slots: string[] }>)[date.date]?.slots ?? [];
}

function blockedQuery(params: Record<string, string | number>): string {
  return `/calendars/blocked-slots?${new URLSearchParams(
    Object.entries({ locationId: w.locationId, ...params }).map(([k, v]): [string, string] => [k, String(v)]),
  )}`;
}

describe('blocked slots', () => {
  it('lists a calendar block as a CalendarEventDTO in {events}, filtered by calendarId, groupId and time', async () => {
    const at = limaWeekdaySlot(0, 9, 0);
    const block = await w.sandbox.admin.uiCreateBlockedSlot({
      calendarId: 'cal-team',
      title: 'Staff meeting',
      startTime: at.iso,
      endTime: new Date(at.ms + 60 * MIN).toISOString(),
    });
    const res = await api(
      w,
      'GET',
      blockedQuery({ calendarId: 'cal-team', startTime: at.ms - MIN, endTime: at.ms + MIN }),
    );
    expect(res.status).toBe(200);
    const events = (res.body as { events: Record<string, unknown>[] }).events;
    expect(events).toHaveLength(1);
    expect(shapeErrors(events[0], under(responseFields('get-blocked-slots'), 'events[].'))).toEqual([]);
    expect(events[0]).toMatchObject({
      id: block.id,
      title: 'Staff meeting',
      calendarId: 'cal-team',
      locationId: w.locationId,
      groupId: 'group-1',
      startTime: at.iso,
      endTime: limaWeekdaySlot(0, 10, 0).iso,
    });
    const byGroup = await api(
      w,
      'GET',
      blockedQuery({ groupId: 'group-1', startTime: at.ms, endTime: at.ms + 1 }),
    );
    expect((byGroup.body as { events: { id: string }[] }).events.map((e) => e.id)).toEqual([block.id]);
    const otherCalendar = await api(
      w,
      'GET',
      blockedQuery({ calendarId: w.calendarId, startTime: at.ms, endTime: at.ms + 1 }),
    );
    expect((otherCalendar.body as { events: unknown[] }).events).toEqual([]);
    const later = await api(
      w,
      'GET',
      blockedQuery({ calendarId: 'cal-team', startTime: at.ms + 60 * MIN, endTime: at.ms + 120 * MIN }),
    );
    expect((later.body as { events: unknown[] }).events).toEqual([]);
  });

  it('answers GET /calendars/blocked-slots errors: 400 without calendarId/userId/groupId, 422 for non-ms times, 403 elsewhere', async () => {
    const none = await api(w, 'GET', blockedQuery({ startTime: 1, endTime: 2 }));
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ statusCode: 400, message: expect.any(String) });
    const iso = await api(
      w,
      'GET',
      blockedQuery({ calendarId: w.calendarId, startTime: '2026-01-01', endTime: 2 }),
    );
    expect(iso.status).toBe(422);
    expect(iso.body).toMatchObject({ statusCode: 422, message: expect.any(Array) });
    const missing = await api(
      w,
      'GET',
      `/calendars/blocked-slots?calendarId=${w.calendarId}&startTime=1&endTime=2`,
    );
    expect(missing.status).toBe(422);
    const elsewhere = await api(
      w,
      'GET',
      `/calendars/blocked-slots?locationId=other&calendarId=${w.calendarId}&startTime=1&endTime=2`,
    );
    expect(elsewhere.status).toBe(403);
    const noToken = await api(
      w,
      'GET',
      blockedQuery({ calendarId: w.calendarId, startTime: 1, endTime: 2 }),
      {
        token: null,
      },
    );
    expect(noToken.status).toBe(401);
  });

  it('leaves blocked time out of free slots and refuses a create on it unless ignoreFreeSlotValidation', async () => {
    const at = limaWeekdaySlot(1, 14, 0);
    expect(await slotsOn(w.calendarId, at)).toContain(at.iso);
    const block = await w.sandbox.admin.uiCreateBlockedSlot({
      calendarId: w.calendarId,
      startTime: limaWeekdaySlot(1, 13, 45).iso,
      endTime: limaWeekdaySlot(1, 14, 45).iso,
    });
    const slots = await slotsOn(w.calendarId, at);
    // 30-minute slots: 13:30, 14:00 and 14:30 overlap the 13:45-14:45 block; 13:00 and 15:00 do not.
    expect(slots).not.toContain(limaWeekdaySlot(1, 13, 30).iso);
    expect(slots).not.toContain(at.iso);
    expect(slots).not.toContain(limaWeekdaySlot(1, 14, 30).iso);
    expect(slots).toContain(limaWeekdaySlot(1, 13, 0).iso);
    expect(slots).toContain(limaWeekdaySlot(1, 15, 0).iso);

    const refused = await book(w.calendarId, at.iso);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 400, message: SLOT_TAKEN });
    const landed = await book(w.calendarId, at.iso, { ignoreFreeSlotValidation: true });
    expect(landed.status).toBe(200);

    await w.sandbox.admin.uiDeleteBlockedSlot(block.id);
    expect(await slotsOn(w.calendarId, at)).toContain(limaWeekdaySlot(1, 14, 30).iso);
  });

  it('refuses a move onto blocked time unless ignoreFreeSlotValidation; a move elsewhere is fine', async () => {
    const from = limaWeekdaySlot(2, 9, 0);
    const created = await book(w.calendarId, from.iso);
    const id = (created.body as { id: string }).id;
    const to = limaWeekdaySlot(2, 11, 0);
    await w.sandbox.admin.uiCreateBlockedSlot({
      calendarId: w.calendarId,
      startTime: to.iso,
      endTime: limaWeekdaySlot(2, 12, 0).iso,
    });
    const refused = await api(w, 'PUT', `/calendars/events/appointments/${id}`, {
      body: { startTime: to.iso },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ message: SLOT_TAKEN });
    const elsewhere = await api(w, 'PUT', `/calendars/events/appointments/${id}`, {
      body: { startTime: limaWeekdaySlot(2, 10, 0).iso },
    });
    expect(elsewhere.status).toBe(200);
    const forced = await api(w, 'PUT', `/calendars/events/appointments/${id}`, {
      body: { startTime: to.iso, ignoreFreeSlotValidation: true },
    });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ startTime: to.iso });
  });

  it("blocks a user's time: the member's bookings are refused, another member's are not", async () => {
    const at = limaWeekdaySlot(3, 10, 0);
    const block = await w.sandbox.admin.uiCreateBlockedSlot({
      assignedUserId: 'user-1',
      title: 'Dentist',
      startTime: at.iso,
      endTime: limaWeekdaySlot(3, 11, 0).iso,
    });
    expect(block).toMatchObject({ locationId: w.locationId, assignedUserId: 'user-1' });
    expect(block).not.toHaveProperty('calendarId');
    const listed = await api(
      w,
      'GET',
      blockedQuery({ userId: 'user-1', startTime: at.ms, endTime: at.ms + 1 }),
    );
    expect((listed.body as { events: Record<string, unknown>[] }).events).toMatchObject([
      { id: block.id, assignedUserId: 'user-1', users: ['user-1'], calendarId: '' },
    ]);

    // user-1 is the primary member of both calendars, so a create without a user lands on them.
    expect(await slotsOn('cal-team', at)).not.toContain(at.iso);
    expect(await slotsOn('cal-team', at, '&userId=user-2')).toContain(at.iso);
    expect((await book('cal-team', at.iso)).body).toMatchObject({ message: SLOT_TAKEN });
    const other = await book('cal-team', at.iso, { assignedUserId: 'user-2' });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ assignedUserId: 'user-2' });
  });

  it('sends no webhook for blocks (GHL documents none) and validates the admin body as GHL does', async () => {
    await w.sandbox.admin.webhooksIdle();
    const before = (await w.sandbox.admin.webhookDeliveries()).length;
    const at = limaWeekdaySlot(4, 16, 0);
    const block = await w.sandbox.admin.uiCreateBlockedSlot({
      calendarId: w.calendarId,
      startTime: at.iso,
      endTime: limaWeekdaySlot(4, 16, 30).iso,
    });
    await w.sandbox.admin.uiDeleteBlockedSlot(block.id);
    await w.sandbox.admin.webhooksIdle();
    expect(await w.sandbox.admin.webhookDeliveries()).toHaveLength(before);
    expect(await w.sandbox.admin.blockedSlots()).not.toContainEqual(
      expect.objectContaining({ id: block.id }),
    );

    await expect(
      w.sandbox.admin.uiCreateBlockedSlot({
        calendarId: w.calendarId,
        assignedUserId: 'user-1',
        startTime: at.iso,
        endTime: limaWeekdaySlot(4, 16, 30).iso,
      }),
    ).rejects.toThrow(/422.*Either calendarId or assignedUserId can be set, not both/);
    await expect(
      w.sandbox.admin.uiCreateBlockedSlot({ calendarId: w.calendarId, startTime: at.iso, endTime: at.iso }),
    ).rejects.toThrow(/400/);
    await expect(w.sandbox.admin.uiDeleteBlockedSlot(block.id)).rejects.toThrow(/404/);
  });
});
