import { loadConfig } from '@ghl-bridge/config';
import { test, testEnv } from '@ghl-bridge/testing';
import Fastify from 'fastify';
import { describe, expect } from 'vitest';
import { installErrorHandling } from '../src/http/errors.js';
import { citaBody, startStaffApp } from './staff-helpers.js';
import { startTestApp } from './test-app.js';

// Inputs the fuzz suite (bench/chaos, `pnpm chaos fuzz`) found answered with a 5xx, accepted,
// or echoed into the logs; each is a clean 4xx now.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bad input the fuzz suite found', () => {
  test('a second Authorization header is refused, even after a valid one, and books nothing', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        // Two header lines (light-my-request sends each value of an array as its own line).
        headers: { authorization: [auth.authorization, 'Bearer ghlb_someone-else'] } as unknown as Record<
          string,
          string
        >,
        payload: citaBody(),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'repeated_header',
        message: 'Send the authorization header once',
      });
      expect(await database.sql`select 1 from citas`).toHaveLength(0);
    } finally {
      await close();
    }
  });

  test('an unknown key is named back only when it looks like a field name', async ({ database, config }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        payload: JSON.stringify({ ...citaBody(), 'secret\u0000key': 1, extra_field: 2 }),
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
      const { message } = response.json();
      expect(message).toContain('"extra_field"');
      expect(message).not.toContain('\u0000');
      expect(message).not.toContain('secret');
    } finally {
      await close();
    }
  });

  test('a cursor or a free-slots range PostgreSQL cannot hold is a 400, not a 500', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const cursor = b64(['0000-01-01T00:00:00Z', '7d444840-9dc0-11d1-b245-5ffdce74fad2']);
      const list = await app.inject({ url: `/api/ghl/citas?cursor=${cursor}`, headers: auth });
      expect(list.statusCode).toBe(400);
      expect(list.json()).toMatchObject({ error: 'validation_failed' });

      const slots = await app.inject({
        url: '/api/ghl/calendars/cal_staff_1/free-slots?location_id=loc_staff_1&start=9000000000000000&end=9000000086400000',
        headers: auth,
      });
      expect(slots.statusCode).toBe(400);
      expect(slots.json()).toMatchObject({ error: 'validation_failed' });
    } finally {
      await close();
    }
  });

  test('a calendar lookup with a NUL in its location is refused without naming it', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const response = await app.inject({ url: '/api/ghl/calendars?location_id=a%00b', headers: auth });
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain('\\u0000');
    } finally {
      await close();
    }
  });

  test("Bull Board's refusals have the { error, message } shape", async ({ database, queuePrefix }) => {
    const token = 'admin-token-for-tests-0123456789abcdef';
    const config = loadConfig(
      testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, ADMIN_TOKEN: token }),
    );
    const { app, close } = await startTestApp({ config });
    try {
      const response = await app.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/webhooks/obliterate',
        headers: { authorization: `Bearer ${token}` },
      });
      // Read-only (BULL_BOARD_WRITE unset): refused, in our shape, the board's key kept in details.
      expect(response.statusCode).toBe(405);
      expect(response.json()).toMatchObject({
        error: 'queue_read_only',
        message: expect.stringContaining('QUEUE_READ_ONLY'),
        details: { key: 'ERRORS.QUEUE_READ_ONLY' },
      });
    } finally {
      await close();
    }
  });

  test('a value PostgreSQL refuses that slipped past validation is a 400, logged as an error', async ({
    database,
  }) => {
    const app = Fastify();
    installErrorHandling(app);
    // A NUL in a bound text parameter: PostgreSQL answers SQLSTATE 22021.
    app.get('/slipped', async () => database.sql`select ${'a\u0000b'}::text`);
    try {
      const response = await app.inject({ url: '/slipped' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'invalid_value',
        message: 'A value in the request cannot be stored',
      });
    } finally {
      await app.close();
    }
  });
});
