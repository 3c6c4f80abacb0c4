import { citas, idempotencyKeys, outbox } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { sweepOutbox } from '@ghl-bridge/worker';
import { describe, expect } from 'vitest';
import { citaBody, LOC, startStaffApp } from './staff-helpers.js';
import { closedPort } from './test-app.js';

describe('reading citas', () => {
  test('GET by id with and without slash; 404 unknown, 400 not a uuid', async ({ database, config }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody(),
      });
      const id = created.json().id;
      for (const url of [`/api/ghl/citas/${id}/`, `/api/ghl/citas/${id}`]) {
        const response = await app.inject({ url, headers: auth });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual(created.json());
      }
      const missing = await app.inject({
        url: '/api/ghl/citas/5b0c5a55-1111-4222-8333-444455556666/',
        headers: auth,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: 'not_found' });
      const bad = await app.inject({ url: '/api/ghl/citas/nope', headers: auth });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'validation_failed', details: [{ path: 'id' }] });
    } finally {
      await close();
    }
  });

  test('lists with filters and a cursor, in start order', async ({ database, config }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      for (const hour of ['09', '10', '11', '12', '13']) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/ghl/citas',
          headers: auth,
          payload: citaBody({
            start: `2030-03-04T${hour}:00:00-05:00`,
            end: `2030-03-04T${hour}:30:00-05:00`,
          }),
        });
        expect(response.statusCode).toBe(202);
      }
      const starts: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `location_id=${LOC}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await app.inject({ url: `/api/ghl/citas/?${query}`, headers: auth });
        expect(page.statusCode).toBe(200);
        starts.push(...page.json().results.map((c: { start: string }) => c.start));
        cursor = page.json().next_cursor;
      } while (cursor);
      expect(starts).toEqual(['09', '10', '11', '12', '13'].map((h) => `2030-03-04T${h}:00:00-05:00`));

      const window = await app.inject({
        url: '/api/ghl/citas?from=2030-03-04T15:00:00Z&to=2030-03-04T17:00:00Z&status=confirmed&sync_status=pending,synced',
        headers: auth,
      });
      expect(window.json().results.map((c: { start: string }) => c.start)).toEqual([
        '2030-03-04T10:00:00-05:00',
        '2030-03-04T11:00:00-05:00',
      ]);
      for (const query of ['status=bogus', 'cursor=xyz', 'limit=0', 'from=yesterday', 'colour=red']) {
        const response = await app.inject({ url: `/api/ghl/citas?${query}`, headers: auth });
        expect(response.statusCode, query).toBe(400);
        expect(response.json()).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      }
    } finally {
      await close();
    }
  });
});

describe('changing citas', () => {
  test('PUT moves a cita (new version, new job), refuses overlaps and bad input', async ({
    database,
    config,
  }) => {
    const { app, auth, queues, close } = await startStaffApp(database, config);
    try {
      const a = (
        await app.inject({ method: 'POST', url: '/api/ghl/citas', headers: auth, payload: citaBody() })
      ).json();
      const b = (
        await app.inject({
          method: 'POST',
          url: '/api/ghl/citas',
          headers: auth,
          payload: citaBody({ start: '2030-03-04T11:00:00-05:00', end: '2030-03-04T11:30:00-05:00' }),
        })
      ).json();
      const moved = await app.inject({
        method: 'PUT',
        url: `/api/ghl/citas/${a.id}/`,
        headers: auth,
        payload: { start: '2030-03-04T10:00:00-05:00', notes: 'moved by phone' },
      });
      expect(moved.statusCode).toBe(202);
      // Moving only the start keeps the duration.
      expect(moved.json()).toMatchObject({
        start: '2030-03-04T10:00:00-05:00',
        end: '2030-03-04T10:30:00-05:00',
        notes: 'moved by phone',
        version: 2,
        sync_status: 'pending',
      });
      expect(await queues.citas.getJob(`cita-${a.id}-v2`)).toBeDefined();

      const clash = await app.inject({
        method: 'PUT',
        url: `/api/ghl/citas/${a.id}`,
        headers: auth,
        payload: { start: '2030-03-04T11:15:00-05:00' },
      });
      expect(clash.statusCode).toBe(409);
      expect(clash.json()).toMatchObject({ error: 'conflict', conflicting_cita_id: b.id });

      for (const payload of [
        {},
        { start: 'tomorrow' },
        { end: '2030-03-04T09:00:00-05:00' },
        { color: 'red' },
      ]) {
        const response = await app.inject({
          method: 'PUT',
          url: `/api/ghl/citas/${a.id}`,
          headers: auth,
          payload,
        });
        expect([400, 422], JSON.stringify(payload)).toContain(response.statusCode);
        expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      const [row] = await database.sql`select version from citas where id = ${a.id}`;
      expect(row?.version).toBe(2);
    } finally {
      await close();
    }
  });

  test('cancel frees the slot; cancelling twice changes nothing', async ({ database, config }) => {
    const { app, auth, queues, close } = await startStaffApp(database, config);
    try {
      const cita = (
        await app.inject({ method: 'POST', url: '/api/ghl/citas', headers: auth, payload: citaBody() })
      ).json();
      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/ghl/citas/${cita.id}/cancel/`,
        headers: auth,
      });
      expect(cancelled.statusCode).toBe(202);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', version: 2, sync_status: 'pending' });
      expect(await queues.citas.getJob(`cita-${cita.id}-v2`)).toBeDefined();
      // RV3 sends a JSON content type with no body: still a cancel, not a 400.
      const again = await app.inject({
        method: 'POST',
        url: `/api/ghl/citas/${cita.id}/cancel`,
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(again.statusCode).toBe(202);
      expect(again.json().version).toBe(2);
      const rebook = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody(),
      });
      expect(rebook.statusCode).toBe(202);
    } finally {
      await close();
    }
  });
});

describe('Idempotency-Key', () => {
  test('the same key and body get the first answer and one row; another body gets 422', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const headers = { ...auth, 'idempotency-key': 'rv3-booking-42' };
      const post = (payload: Record<string, unknown>) =>
        app.inject({ method: 'POST', url: '/api/ghl/citas/', headers, payload });
      const first = await post(citaBody());
      const second = await post(citaBody());
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      // jsonb keeps the answer, not its key order: the same JSON value, byte order aside.
      expect(second.json()).toEqual(first.json());
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await database.db.select().from(citas)).toHaveLength(1);

      const other = await post(
        citaBody({ start: '2030-03-04T15:00:00-05:00', end: '2030-03-04T15:30:00-05:00' }),
      );
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ error: 'idempotency_key_reused', message: expect.any(String) });

      // Concurrent twins: one cita, the same answer for all.
      const twins = await Promise.all(
        Array.from({ length: 5 }, () =>
          app.inject({
            method: 'POST',
            url: '/api/ghl/citas',
            headers: { ...auth, 'idempotency-key': 'rv3-booking-43' },
            payload: citaBody({ start: '2030-03-04T16:00:00-05:00', end: '2030-03-04T16:30:00-05:00' }),
          }),
        ),
      );
      expect(new Set(twins.map((r) => `${r.statusCode} ${r.json().id}`)).size).toBe(1);
      expect(await database.db.select().from(citas)).toHaveLength(2);
      expect(await database.db.select().from(idempotencyKeys)).toHaveLength(2);
    } finally {
      await close();
    }
  });
});

describe('no accepted action is lost', () => {
  test('with Redis down the POST still answers 202; the sweeper enqueues it later', async ({
    database,
    config,
    redis,
  }) => {
    const down = await startStaffApp(database, config, {
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
    });
    let id: string;
    try {
      const response = await down.app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: down.auth,
        payload: citaBody(),
      });
      expect(response.statusCode).toBe(202);
      id = response.json().id;
      expect(response.json().sync_status).toBe('pending');
    } finally {
      await down.close();
    }
    const [pending] = await database.db.select().from(outbox);
    expect(pending).toMatchObject({ jobName: 'cita.sync', jobId: `cita-${id}-v1` });

    const { createQueues, closeQueues } = await import('@ghl-bridge/jobs');
    const queues = createQueues(redis, config.redis.queuePrefix);
    try {
      expect(await sweepOutbox(database.db, queues, { minAgeMs: 0 })).toEqual({ enqueued: 1, failed: 0 });
      const job = await queues.citas.getJob(`cita-${id}-v1`);
      expect(job?.data).toMatchObject({ citaId: id, version: 1 });
      expect(await database.db.select().from(outbox)).toHaveLength(0);
    } finally {
      await closeQueues(queues);
    }
  });
});

describe('location settings', () => {
  test('GET gives defaults, PUT validates and stores, bookings follow the new zone', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    const url = `/api/ghl/locations/${LOC}/settings`;
    try {
      const defaults = await app.inject({ url, headers: auth });
      expect(defaults.statusCode).toBe(200);
      expect(defaults.json()).toMatchObject({
        time_zone: 'America/Lima',
        slot_minutes: 30,
        buffer_minutes: 0,
        notify_patient: true,
        is_default: true,
      });
      for (const payload of [
        { time_zone: 'Mars/Olympus' },
        { business_hours: { mon: [{ start: '18:00', end: '08:00' }] } },
        { business_hours: { funday: [] } },
        { slot_minutes: 0 },
        { colour: 'red' },
      ]) {
        const response = await app.inject({ method: 'PUT', url: `${url}/`, headers: auth, payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json()).toMatchObject({ error: 'validation_failed', details: expect.any(Array) });
      }
      const saved = await app.inject({
        method: 'PUT',
        url,
        headers: auth,
        payload: {
          time_zone: 'America/New_York',
          business_hours: { mon: [{ start: '09:00', end: '17:00' }] },
        },
      });
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toMatchObject({
        time_zone: 'America/New_York',
        slot_minutes: 30,
        is_default: false,
      });

      // 09:00 in Lima is 09:00 in New York in March 2030 only after DST starts (10 March): here it is 10:00.
      const cita = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody({ start: '2030-03-11T13:00:00Z', end: '2030-03-11T13:30:00Z' }),
      });
      expect(cita.statusCode).toBe(202);
      expect(cita.json()).toMatchObject({
        start: '2030-03-11T09:00:00-04:00',
        time_zone: 'America/New_York',
      });
    } finally {
      await close();
    }
  });
});
