import { Writable } from 'node:stream';
import { createLogger } from '@ghl-bridge/observability';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { citaBody, LOC, startStaffApp } from './staff-helpers.js';

/** A logger whose JSON lines the test can read. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ name: 'ingress-test', level: 'info', destination }) };
}

describe('the error contract, now that schemas validate and serialise', () => {
  test('a request part that breaks its schema is a 400 validation_failed naming each bad field', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const body = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas/',
        headers: auth,
        payload: citaBody({ patient: { name: 'Ana', email: 'not-an-email' }, start: 'tomorrow' }),
      });
      expect(body.statusCode).toBe(400);
      // Every issue of the part, as the hand-called parsing reported them before.
      expect(body.json()).toEqual({
        error: 'validation_failed',
        message:
          'Invalid body: patient.email: Invalid email address; start: must be a real date and time, ISO-8601 with an offset or Z (2026-12-07T09:00:00-05:00); end: must be after start',
        details: [
          { path: 'patient.email', message: 'Invalid email address' },
          {
            path: 'start',
            message: 'must be a real date and time, ISO-8601 with an offset or Z (2026-12-07T09:00:00-05:00)',
          },
          { path: 'end', message: 'must be after start' },
        ],
      });

      // The staff API takes JSON: text is refused as any other media type is.
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const other = await app.inject({
          method: 'POST',
          url: '/api/ghl/citas/',
          headers: { ...auth, 'content-type': type },
          payload: 'location_id=x',
        });
        expect(other.statusCode, type).toBe(415);
        expect(other.json()).toEqual({ error: expect.any(String), message: expect.any(String) });
      }

      // Missing says missing; a date that does not exist says so once.
      const { start: _start, ...noStart } = citaBody();
      const missing = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas/',
        headers: auth,
        payload: noStart,
      });
      expect(missing.json().details).toContainEqual({ path: 'start', message: 'is required' });
      const feb30 = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas/',
        headers: auth,
        payload: citaBody({ start: '2030-02-30T09:00:00-05:00' }),
      });
      expect(feb30.json().details.filter((d: { path: string }) => d.path === 'start')).toEqual([
        {
          path: 'start',
          message: 'must be a real date and time, ISO-8601 with an offset or Z (2026-12-07T09:00:00-05:00)',
        },
      ]);

      const query = await app.inject({
        url: `/api/ghl/citas/?location_id=${LOC}&limit=0&colour=red`,
        headers: auth,
      });
      expect(query.statusCode).toBe(400);
      expect(query.json()).toMatchObject({
        error: 'validation_failed',
        message: expect.stringMatching(/^Invalid query: /),
      });
      expect(
        query
          .json()
          .details.map((d: { path: string }) => d.path)
          .sort(),
      ).toEqual(['', 'limit']);

      const path = await app.inject({ url: '/api/ghl/citas/not-a-uuid/', headers: auth });
      expect(path.json()).toEqual({
        error: 'validation_failed',
        message: 'Invalid path: id: must be a cita id (uuid)',
        details: [{ path: 'id', message: 'must be a cita id (uuid)' }],
      });

      // Refused by the router itself, before any route: the same shape, the path not echoed.
      const long = await app.inject({ url: `/api/ghl/citas/${'a'.repeat(3000)}/`, headers: auth });
      expect(long.statusCode).toBe(414);
      expect(long.json()).toEqual({ error: 'uri_too_long', message: expect.any(String) });
      expect(long.body).not.toContain('aaaa');
      const malformed = await app.inject({ url: '/api/ghl/citas/%E0%A4%A/', headers: auth });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toEqual({ error: 'bad_url', message: expect.any(String) });
    } finally {
      await close();
    }
  });

  test('an answer that breaks its own schema is logged and becomes a generic 500, revealing nothing', async ({
    database,
    config,
  }) => {
    const { lines, log } = capturedLog();
    const { app, auth, close } = await startStaffApp(database, config, { log });
    try {
      // Stored by something other than the API, which would have refused it.
      await database.sql`insert into location_settings (location_id, time_zone, business_hours, slot_minutes, buffer_minutes, min_notice_minutes, notify_patient)
        values (${LOC}, 'America/Lima', ${JSON.stringify({ mon: [{ start: 'nine', end: 'Ana Quispe' }] })}::jsonb, 30, 0, 0, true)`;
      const response = await app.inject({ url: `/api/ghl/locations/${LOC}/settings`, headers: auth });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: 'internal_error',
        message: 'Something went wrong on our side; it has been logged.',
      });
      const logged = lines.find((line) => line.msg === 'response does not match its schema');
      expect(logged).toMatchObject({
        status: 200,
        issues: expect.arrayContaining([expect.objectContaining({ path: 'business_hours.mon.0.start' })]),
      });
      expect(JSON.stringify(lines)).not.toContain('Ana Quispe');
    } finally {
      await close();
    }
  });
});
