import type { Config } from '@ghl-bridge/config';
import { createApiKey } from '@ghl-bridge/db';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { type SandboxLocation, sandboxLocation, type TestDatabase, test } from '@ghl-bridge/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startStack } from './full-stack.js';

let sandbox: RunningSandbox;
let location: SandboxLocation;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: { max: 100_000 } });
  location = await sandboxLocation(sandbox, { description: 'Planta baja' });
});
afterAll(() => sandbox.close());

/** Ingress plus a worker that reads GHL (the sandbox), as deployed. */
async function stack(
  { config, database, redis }: { config: Config; database: TestDatabase; redis: Redis },
  withWorker = true,
) {
  const cfg: Config = {
    ...config,
    ghl: { ...config.ghl, apiBaseUrl: sandbox.url },
    discovery: { ...config.discovery, timeoutMs: 3000 },
  };
  const s = await startStack(cfg, { database, redis }, { installs: [location.install], drain: withWorker });
  const { secret } = await createApiKey(database.db, {
    name: 'rv3',
    locationIds: [location.locationId, 'loc-not-installed'],
  });
  const get = (url: string) =>
    s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
  return { get, queues: s.queues, close: s.close };
}

describe('calendar discovery', () => {
  test('answers in the seed service shape, asking a worker on a cold cache and using the cache after', async ({
    config,
    database,
    redis,
  }) => {
    const s = await stack({ config, database, redis });
    try {
      const cold = await s.get(`/api/ghl/calendars/?location_id=${location.locationId}`);
      expect(cold.statusCode).toBe(200);
      expect(cold.headers['x-cache']).toBe('miss');
      expect(cold.json()).toEqual({
        calendars: [
          {
            id: location.calendarId,
            name: 'Consultorio 1',
            description: 'Planta baja',
            timezone: expect.any(String),
            isActive: true,
          },
        ],
        location_id: location.locationId,
        total: 1,
        success: true,
      });
      const warm = await s.get(`/api/ghl/calendars?location_id=${location.locationId}`);
      expect(warm.headers['x-cache']).toBe('hit');
      expect(warm.json()).toEqual(cold.json());
      expect(
        (await s.get(`/api/ghl/calendars/?location_id=${location.locationId}&refresh=1`)).headers['x-cache'],
      ).toBe('miss');
    } finally {
      await s.close();
    }
  });

  test('free slots come from GHL through a worker, keyed by day with the zone offset', async ({
    config,
    database,
    redis,
  }) => {
    const s = await stack({ config, database, redis });
    try {
      const start = Date.now() + 86_400_000;
      const url = `/api/ghl/calendars/${location.calendarId}/free-slots/?location_id=${location.locationId}&start=${start}&end=${start + 7 * 86_400_000}&timezone=America/Lima`;
      const response = await s.get(url);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        calendar_id: location.calendarId,
        location_id: location.locationId,
        timezone: 'America/Lima',
        success: true,
      });
      const days = Object.values(body.slots as Record<string, string[]>);
      expect(days.length).toBeGreaterThan(0);
      expect(days[0]?.[0]).toMatch(/-05:00$/);
      const tooLong = await s.get(
        `/api/ghl/calendars/${location.calendarId}/free-slots?location_id=${location.locationId}&start=${start}&end=${start + 40 * 86_400_000}`,
      );
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json()).toMatchObject({ error: 'validation_failed' });
    } finally {
      await s.close();
    }
  });

  test('a location outside the key is 403; with no worker to answer, a bounded 504', async ({
    config,
    database,
    redis,
  }) => {
    const s = await stack({ config, database, redis }, false);
    try {
      expect((await s.get('/api/ghl/calendars/?location_id=someone-else')).statusCode).toBe(403);
      const started = Date.now();
      const response = await s.get(`/api/ghl/calendars/?location_id=${location.locationId}`);
      expect(response.statusCode).toBe(504);
      expect(response.json()).toEqual({ error: 'timeout', message: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(4500);
    } finally {
      await s.close();
    }
  });
});

describe('GHL refusing what was asked', () => {
  test('an unknown calendar or one of another location is a 404, and no failed job', async ({
    config,
    database,
    redis,
  }) => {
    const other = await sandboxLocation(sandbox);
    const s = await stack({ config, database, redis });
    try {
      const start = Date.now() + 86_400_000;
      const range = `location_id=${location.locationId}&start=${start}&end=${start + 86_400_000}&timezone=UTC`;
      for (const calendarId of ['no-such-calendar', other.calendarId]) {
        const response = await s.get(`/api/ghl/calendars/${calendarId}/free-slots?${range}`);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ error: 'not_found', message: expect.any(String) });
        expect(response.json().message).not.toContain(other.locationId);
      }
      expect(await s.queues['ghl-reads'].getFailedCount()).toBe(0);
    } finally {
      await s.close();
    }
  });

  test('a location ghl-bridge has no GHL tokens for is a 409; GHL failing itself is a 502', async ({
    config,
    database,
    redis,
  }) => {
    const s = await stack({ config, database, redis });
    try {
      const missing = await s.get('/api/ghl/calendars/?location_id=loc-not-installed');
      expect(missing.statusCode).toBe(409);
      expect(missing.json()).toMatchObject({ error: 'ghl_not_connected' });
      await sandbox.admin.addFault({ route: 'GET /calendars/', errorRate: 1, status: 503 });
      try {
        const down = await s.get(`/api/ghl/calendars/?location_id=${location.locationId}&refresh=1`);
        expect(down.statusCode).toBe(502);
        expect(down.json()).toMatchObject({ error: 'ghl_error' });
      } finally {
        await sandbox.admin.clearFaults();
      }
    } finally {
      await s.close();
    }
  });
});
