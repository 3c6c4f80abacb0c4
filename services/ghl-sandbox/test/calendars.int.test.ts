import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, limaSlot, responseFields, shapeErrors, startWorld, under, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.sandbox.close());

async function book(startIso: string, extra: Record<string, unknown> = {}) {
  return api(w, 'POST', '/calendars/events/appointments', {
    body: {
      calendarId: w.calendarId,
      locationId: w.locationId,
      contactId: w.contactId,
      startTime: startIso,
      ...extra,
    },
  });
}

describe('calendars', () => {
  it('lists calendars of a location as {calendars: [...]} with the spec field types', async () => {
    const res = await api(w, 'GET', `/calendars/?locationId=${w.locationId}`);
    expect(res.status).toBe(200);
    const body = res.body as { calendars: unknown[] };
    expect(body.calendars).toHaveLength(1);
    expect(shapeErrors(body.calendars[0], under(responseFields('list-calendars'), 'calendars[].'))).toEqual(
      [],
    );
  });

  it('gets one calendar as {calendar} and refuses another location with 403', async () => {
    const res = await api(w, 'GET', `/calendars/${w.calendarId}`);
    expect(res.status).toBe(200);
    expect(
      shapeErrors(
        (res.body as { calendar: unknown }).calendar,
        under(responseFields('list-calendars'), 'calendars[].'),
      ),
    ).toEqual([]);
    const other = await api(w, 'GET', '/calendars/?locationId=someone-else');
    expect(other.status).toBe(403);
  });

  it('returns free slots keyed by local date with the requested zone offset', async () => {
    const day = limaSlot(0, 0);
    const start = day.ms;
    const res = await api(
      w,
      'GET',
      `/calendars/${w.calendarId}/free-slots?startDate=${start}&endDate=${start + 86_399_000}&timezone=America/Lima`,
    );
    expect(res.status).toBe(200);
    const body = res.body as Record<string, { slots: string[] }>;
    expect(Object.keys(body)).toEqual([day.date]);
    const slots = body[day.date]?.slots ?? [];
    expect(slots[0]).toBe(`${day.date}T09:00:00-05:00`);
    expect(slots).toHaveLength(16);
    expect(slots.every((s) => s.endsWith('-05:00'))).toBe(true);
    const utc = await api(
      w,
      'GET',
      `/calendars/${w.calendarId}/free-slots?startDate=${start}&endDate=${start + 86_399_000}&timezone=UTC`,
    );
    expect((utc.body as Record<string, { slots: string[] }>)[day.date]?.slots[0]).toBe(
      `${day.date}T14:00:00+00:00`,
    );
  });

  it('rejects a free-slots range longer than 31 days with 400', async () => {
    const start = Date.now();
    const res = await api(
      w,
      'GET',
      `/calendars/${w.calendarId}/free-slots?startDate=${start}&endDate=${start + 32 * 86_400_000}`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) });
  });
});

describe('appointments', () => {
  it('creates an appointment in a free slot; the response has the write shape and no dateAdded/dateUpdated', async () => {
    const slot = limaSlot(11, 0);
    const res = await book(slot.iso, { title: 'Consulta', ignoreDateRange: false, toNotify: false });
    expect(res.status).toBe(200);
    expect(shapeErrors(res.body, responseFields('create-appointment'))).toEqual([]);
    expect(res.body).toMatchObject({
      startTime: slot.iso,
      appointmentStatus: 'confirmed',
      calendarId: w.calendarId,
    });
    expect(res.body).not.toHaveProperty('dateAdded');
    expect(res.body).not.toHaveProperty('dateUpdated');
  });

  it('answers 400 "The slot you have selected is no longer available." for a taken slot unless ignoreFreeSlotValidation', async () => {
    const slot = limaSlot(12, 0);
    expect((await book(slot.iso)).status).toBe(200);
    const second = await book(slot.iso);
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({
      statusCode: 400,
      message: 'The slot you have selected is no longer available.',
    });
    const outsideHours = await book(limaSlot(20, 0).iso);
    expect(outsideHours.status).toBe(400);
    expect((await book(slot.iso, { ignoreFreeSlotValidation: true })).status).toBe(200);
  });

  it('gets an appointment as {event} with dateAdded/dateUpdated, and lists it in events for its calendar', async () => {
    const slot = limaSlot(13, 0);
    const created = (await book(slot.iso)).body as { id: string };
    const got = await api(w, 'GET', `/calendars/events/appointments/${created.id}`);
    expect(got.status).toBe(200);
    const event = (got.body as { event: Record<string, unknown> }).event;
    expect(shapeErrors(event, under(responseFields('get-appointment'), 'event.'))).toEqual([]);
    expect(event.dateAdded).toMatch(/-05:00$/);
    expect(event.createdBy).toMatchObject({ source: expect.any(String) });

    const q = `locationId=${w.locationId}&calendarId=${w.calendarId}&startTime=${slot.ms - 1000}&endTime=${slot.ms + 1000}`;
    const list = await api(w, 'GET', `/calendars/events?${q}`);
    expect(list.status).toBe(200);
    const events = (list.body as { events: Record<string, unknown>[] }).events;
    expect(events.map((e) => e.id)).toEqual([created.id]);
    expect(shapeErrors(events[0], under(responseFields('get-calendar-events'), 'events[].'))).toEqual([]);
    const noFilter = await api(
      w,
      'GET',
      `/calendars/events?locationId=${w.locationId}&startTime=${slot.ms}&endTime=${slot.ms + 1}`,
    );
    expect(noFilter.status).toBe(400);
  });

  it('updates an appointment (status, time) and bumps dateUpdated; the response omits the dates', async () => {
    const slot = limaSlot(14, 0);
    const created = (await book(slot.iso)).body as { id: string };
    const before = (
      (await api(w, 'GET', `/calendars/events/appointments/${created.id}`)).body as {
        event: { dateUpdated: string };
      }
    ).event;
    await w.sandbox.admin.advanceClock(60_000);
    const moved = limaSlot(15, 0);
    const res = await api(w, 'PUT', `/calendars/events/appointments/${created.id}`, {
      body: { startTime: moved.iso, appointmentStatus: 'showed' },
    });
    expect(res.status).toBe(200);
    expect(shapeErrors(res.body, responseFields('update-appointment'))).toEqual([]);
    expect(res.body).toMatchObject({ startTime: moved.iso, appointmentStatus: 'showed' });
    expect(res.body).not.toHaveProperty('dateUpdated');
    const after = (
      (await api(w, 'GET', `/calendars/events/appointments/${created.id}`)).body as {
        event: { dateUpdated: string };
      }
    ).event;
    expect(Date.parse(after.dateUpdated)).toBeGreaterThan(Date.parse(before.dateUpdated));
    const bad = await api(w, 'PUT', `/calendars/events/appointments/${created.id}`, {
      body: { appointmentStatus: 'bogus' },
    });
    expect(bad.status).toBe(422);
  });

  it('deletes an event with {succeeded: true}, after which it is gone', async () => {
    const created = (await book(limaSlot(16, 0).iso)).body as { id: string };
    const del = await api(w, 'DELETE', `/calendars/events/${created.id}`, { body: {} });
    expect(del.status).toBe(201);
    expect(del.body).toEqual({ succeeded: true });
    expect((await api(w, 'GET', `/calendars/events/appointments/${created.id}`)).status).toBe(400);
  });

  it('rejects unknown body properties with 422 and malformed JSON with 400', async () => {
    const res = await book(limaSlot(9, 30).iso, { colour: 'red' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: ['property colour should not exist'],
    });
    const raw = await fetch(`${w.sandbox.url}/calendars/events/appointments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${w.accessToken}`,
        version: '2021-04-15',
        'content-type': 'application/json',
      },
      body: '{"calendarId":',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
