import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  // A long window for the burst so a loaded CI machine cannot straddle two windows; the
  // reset is then shown by moving the sandbox clock, and in real time with a 250 ms window.
  w = await startWorld({ rateLimit: { max: 100, intervalMs: 5000, daily: 1000 } });
});
afterAll(() => w.sandbox.close());

const HEADERS = [
  'X-RateLimit-Limit-Daily',
  'X-RateLimit-Daily-Remaining',
  'X-RateLimit-Interval-Milliseconds',
  'X-RateLimit-Max',
  'X-RateLimit-Remaining',
];

describe('rate limits', () => {
  it('sends the five X-RateLimit-* headers, answers 429 to the 101st request in a window, then resets', async () => {
    const path = `/calendars/${w.calendarId}`;
    const burst = await Promise.all(Array.from({ length: 101 }, () => api(w, 'GET', path)));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const limited = burst.find((r) => r.status === 429);
    for (const h of HEADERS) expect(limited?.headers.get(h), h).not.toBeNull();
    expect(limited?.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(limited?.headers.get('X-RateLimit-Max')).toBe('100');
    expect(limited?.headers.get('X-RateLimit-Interval-Milliseconds')).toBe('5000');
    expect(limited?.body).toMatchObject({ statusCode: 429 });

    await w.sandbox.admin.advanceClock(5000);
    const after = await api(w, 'GET', path);
    expect(after.status).toBe(200);
    expect(after.headers.get('X-RateLimit-Remaining')).toBe('99');
    expect(after.headers.get('X-RateLimit-Daily-Remaining')).toBe(String(1000 - 102));
  });

  it('resets the window in real time', async () => {
    await w.sandbox.admin.setRateLimit({ max: 1, intervalMs: 250 });
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 260));
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
  });

  it('keeps separate budgets per location and does not count admin calls', async () => {
    await w.sandbox.admin.setRateLimit({ max: 2, intervalMs: 60_000 });
    const seeded = await w.sandbox.admin.seed({
      locations: [{ id: 'location-2', companyId: w.companyId, mintTokens: true }],
    });
    const other = seeded.locations[0]?.tokens?.access_token ?? '';
    for (let i = 0; i < 5; i++) await w.sandbox.admin.counters();
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(200);
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`)).status).toBe(429);
    expect((await api(w, 'GET', '/calendars/?locationId=location-2', { token: other })).status).toBe(200);
  });
});
