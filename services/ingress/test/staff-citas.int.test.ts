import { citas, outbox, saveLocationSettings } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { CAL, citaBody, FOREIGN_CAL, LOC, startStaffApp } from './staff-helpers.js';

describe('POST /api/ghl/citas/', () => {
  test('stores the cita pending, answers 202 in the location zone and enqueues cita.sync', async ({
    database,
    config,
  }) => {
    const { app, auth, queues, close } = await startStaffApp(database, config);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas/',
        headers: auth,
        // Sent in UTC; shown back in Lima (-05:00).
        payload: citaBody({ start: '2030-03-04T14:00:00Z', end: '2030-03-04T14:30:00.000Z' }),
      });
      expect(response.statusCode).toBe(202);
      const cita = response.json();
      expect(cita).toMatchObject({
        location_id: LOC,
        calendar_id: CAL,
        start: '2030-03-04T09:00:00-05:00',
        end: '2030-03-04T09:30:00-05:00',
        time_zone: 'America/Lima',
        status: 'confirmed',
        sync_status: 'pending',
        source: 'rv3',
        version: 1,
        patient: { name: 'Ana Quispe', phone: '+51987654321', email: 'ana@example.com' },
      });
      const [row] =
        await database.sql`select start_at at time zone 'UTC' as utc from citas where id = ${cita.id}`;
      expect(String(row?.utc)).toContain('14:00:00');
      const [stored] = await database.db.select().from(citas);
      expect(stored?.startAt.toISOString()).toBe('2030-03-04T14:00:00.000Z');

      const job = await queues.citas.getJob(`cita-${cita.id}-v1`);
      expect(job?.name).toBe('cita.sync');
      expect(job?.data).toMatchObject({ citaId: cita.id, version: 1 });
      expect(await database.db.select().from(outbox)).toHaveLength(0);

      const without = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody({ start: '2030-03-04T10:00:00-05:00', end: undefined }),
      });
      expect(without.statusCode).toBe(202);
      // No end: the location's slot length (30 minutes by default).
      expect(without.json().end).toBe('2030-03-04T10:30:00-05:00');
    } finally {
      await close();
    }
  });

  describe('bad input gets a JSON 4xx and stores nothing', () => {
    const cases: Array<{ name: string; body: unknown; status: number; error: string; path?: string }> = [
      {
        name: 'no patient',
        body: citaBody({ patient: undefined }),
        status: 400,
        error: 'validation_failed',
        path: 'patient',
      },
      {
        name: 'a patient with neither phone nor email',
        body: citaBody({ patient: { name: 'X' } }),
        status: 400,
        error: 'validation_failed',
        path: 'patient',
      },
      {
        name: 'a start without offset',
        body: citaBody({ start: '2030-03-04T09:00:00' }),
        status: 400,
        error: 'validation_failed',
        path: 'start',
      },
      {
        name: 'an end before the start',
        body: citaBody({ end: '2030-03-04T08:30:00-05:00' }),
        status: 400,
        error: 'validation_failed',
        path: 'end',
      },
      { name: 'an unknown field', body: citaBody({ color: 'red' }), status: 400, error: 'validation_failed' },
      {
        name: 'a NUL byte in the patient name',
        body: citaBody({ patient: { name: 'Ana\u0000', phone: '+51987654321' } }),
        status: 400,
        error: 'validation_failed',
        path: 'patient.name',
      },
      {
        name: 'a NUL byte in the notes',
        body: citaBody({ notes: 'x\u0000y' }),
        status: 400,
        error: 'validation_failed',
        path: 'notes',
      },
      {
        name: 'a year PostgreSQL cannot store',
        body: citaBody({ start: '0000-01-03T09:00:00Z', end: '0000-01-03T09:30:00Z' }),
        status: 400,
        error: 'validation_failed',
        path: 'start',
      },
      {
        name: 'an assigned_user_id of 500,000 characters',
        body: citaBody({ assigned_user_id: 'u'.repeat(500_000) }),
        status: 400,
        error: 'validation_failed',
        path: 'assigned_user_id',
      },
      {
        name: 'a calendar of another location (told apart from no calendar at all by nothing)',
        body: citaBody({ calendar_id: FOREIGN_CAL }),
        status: 422,
        error: 'unknown_calendar',
        path: 'calendar_id',
      },
      {
        name: 'a Sunday (closed)',
        body: citaBody({ start: '2030-03-03T09:00:00-05:00', end: '2030-03-03T09:30:00-05:00' }),
        status: 422,
        error: 'outside_business_hours',
      },
      {
        name: 'a slot past closing time in Lima (fine in UTC)',
        body: citaBody({ start: '2030-03-04T19:45:00-05:00', end: '2030-03-04T20:15:00-05:00' }),
        status: 422,
        error: 'outside_business_hours',
      },
      {
        name: 'a start in the past',
        body: citaBody({ start: '2020-03-02T09:00:00-05:00', end: '2020-03-02T09:30:00-05:00' }),
        status: 422,
        error: 'insufficient_notice',
      },
    ];
    for (const { name, body, status, error, path } of cases) {
      test(`${name} → ${status} ${error}`, async ({ database, config }) => {
        const { app, auth, close } = await startStaffApp(database, config);
        try {
          const response = await app.inject({
            method: 'POST',
            url: '/api/ghl/citas/',
            headers: auth,
            payload: body as object,
          });
          expect(response.statusCode).toBe(status);
          expect(response.headers['content-type']).toMatch(/application\/json/);
          expect(response.json()).toMatchObject({ error, message: expect.any(String) });
          if (path) expect(response.json().details.map((d: { path: string }) => d.path)).toContain(path);
          expect(await database.db.select().from(citas)).toHaveLength(0);
        } finally {
          await close();
        }
      });
    }

    test('malformed JSON → 400', async ({ database, config }) => {
      const { app, auth, close } = await startStaffApp(database, config);
      try {
        const response = await app.inject({
          method: 'POST',
          url: '/api/ghl/citas',
          headers: { ...auth, 'content-type': 'application/json' },
          payload: '{"location_id":',
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
      } finally {
        await close();
      }
    });
  });

  test('an overlapping cita gets 409 naming the cita it overlaps; the buffer counts', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    await saveLocationSettings(database.db, {
      locationId: LOC,
      timeZone: 'America/Lima',
      defaultCalendarId: CAL,
      businessHours: { mon: [{ start: '08:00', end: '20:00' }] },
      slotMinutes: 30,
      bufferMinutes: 15,
      minNoticeMinutes: 0,
      notifyPatient: true,
    });
    const post = (body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/ghl/citas', headers: auth, payload: citaBody(body) });
    try {
      const first = await post({ assigned_user_id: 'user_1' });
      expect(first.statusCode).toBe(202);
      const overlap = await post({ start: '2030-03-04T09:15:00-05:00', end: '2030-03-04T09:45:00-05:00' });
      expect(overlap.statusCode).toBe(409);
      expect(overlap.json()).toEqual({
        error: 'conflict',
        message: expect.any(String),
        conflicting_cita_id: first.json().id,
      });
      // Inside the 15-minute buffer after the first cita.
      expect(
        (await post({ start: '2030-03-04T09:40:00-05:00', end: '2030-03-04T10:00:00-05:00' })).statusCode,
      ).toBe(409);
      // Another assigned user on the same calendar is free; a cita with no one assigned (the
      // calendar has no team member GHL could assign) claims the whole calendar.
      expect((await post({ assigned_user_id: 'user_2' })).statusCode).toBe(202);
      expect((await post({ start: '2030-03-04T09:00:00-05:00' })).statusCode).toBe(409);
      expect(
        (await post({ start: '2030-03-04T09:45:00-05:00', end: '2030-03-04T10:00:00-05:00' })).statusCode,
      ).toBe(202);
    } finally {
      await close();
    }
  });

  test('concurrent bookings of one slot: exactly one 202, the rest 409 (Postgres decides)', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          app.inject({
            method: 'POST',
            url: '/api/ghl/citas/',
            headers: auth,
            // Different but overlapping ranges, so no request is a plain duplicate of another.
            payload: citaBody({ start: `2030-03-04T09:${String(i).padStart(2, '0')}:00-05:00` }),
          }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([202, ...Array(9).fill(409)]);
      const winner = responses.find((r) => r.statusCode === 202)?.json().id;
      for (const r of responses.filter((r) => r.statusCode === 409))
        expect(r.json()).toMatchObject({ error: 'conflict', conflicting_cita_id: winner });
      expect(await database.db.select().from(citas)).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
