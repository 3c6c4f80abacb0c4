import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld({ randomSeed: 42, rateLimit: { max: 10_000 } });
});
afterAll(() => w.sandbox.close());

describe('faults', () => {
  it('injects 5xx on the configured route at about the configured rate, and nowhere else', async () => {
    await w.sandbox.admin.setFaults([{ route: 'GET /calendars/:calendarId', errorRate: 0.3, status: 503 }]);
    const results = [];
    for (let i = 0; i < 300; i++) results.push((await api(w, 'GET', `/calendars/${w.calendarId}`)).status);
    const failed = results.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(120);
    expect(results.every((s) => s === 200 || s === 503)).toBe(true);
    expect((await api(w, 'GET', `/contacts/${w.contactId}`)).status).toBe(200);
    expect(await w.sandbox.admin.counter('faults.error')).toBe(failed);
    await w.sandbox.admin.clearFaults();
  });

  it('fails exactly the next N requests with times', async () => {
    await w.sandbox.admin.setFaults([{ route: '*', errorRate: 1, status: 500, times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api(w, 'GET', `/calendars/${w.calendarId}`)).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    await w.sandbox.admin.clearFaults();
  });

  it('adds latency and resets connections', async () => {
    await w.sandbox.admin.setFaults([{ route: '/calendars/:calendarId', latencyMs: 150 }]);
    const t0 = performance.now();
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await w.sandbox.admin.setFaults([{ route: '/calendars/:calendarId', resetRate: 1, times: 1 }]);
    await expect(api(w, 'GET', `/calendars/${w.calendarId}`)).rejects.toThrow();
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
    await w.sandbox.admin.clearFaults();
  });

  it('logs API requests with route and status, and leaves admin calls out', async () => {
    await w.sandbox.admin.resetInspection();
    await api(w, 'GET', `/calendars/${w.calendarId}`);
    await api(w, 'GET', `/calendars/${w.calendarId}`, { token: 'bad' });
    const log = await w.sandbox.admin.requests();
    expect(log.map((r) => [r.route, r.statusCode])).toEqual([
      ['/calendars/:calendarId', 200],
      ['/calendars/:calendarId', 401],
    ]);
    expect(log[0]?.resourceId).toBe(w.locationId);
    expect(await w.sandbox.admin.counter('GET /calendars/:calendarId')).toBe(2);
  });
});
