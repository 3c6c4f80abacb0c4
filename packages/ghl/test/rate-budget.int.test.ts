import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { RateBudget } from '../src/index.js';

describe('RateBudget', () => {
  test('grants the burst per location, then says how long to wait; other locations are unaffected', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 3, intervalMs: 1000, daily: 1000 });
    for (let i = 0; i < 3; i++) expect((await budget.take('busy')).granted).toBe(true);
    const denied = await budget.take('busy');
    expect(denied.granted).toBe(false);
    if (!denied.granted) expect(denied.waitMs).toBeGreaterThan(0);
    expect((await budget.take('quiet')).granted).toBe(true);
  });

  test("follows GHL's X-RateLimit-Max down and back up", async ({ redis, queuePrefix }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 90, intervalMs: 10_000, daily: 1000 });
    await budget.observe('loc', { 'x-ratelimit-max': '5', 'x-ratelimit-remaining': '4' });
    let granted = 0;
    for (let i = 0; i < 10; i++) if ((await budget.take('loc')).granted) granted++;
    expect(granted).toBe(4); // 90% of GHL's 5
    await budget.observe('loc', { 'x-ratelimit-max': '100', 'x-ratelimit-remaining': '90' });
    expect((await budget.take('loc')).granted).toBe(true);
  });

  test('an empty GHL window or a 429 blocks the location until it passes', async ({ redis, queuePrefix }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 90, intervalMs: 10_000, daily: 1000 });
    await budget.observe('loc', { 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '300' });
    const blocked = await budget.take('loc');
    expect(blocked.granted).toBe(false);
    if (!blocked.granted) expect(blocked.waitMs).toBeLessThanOrEqual(300);
    await budget.drain('other', 200);
    expect((await budget.take('other')).granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await budget.take('loc')).granted).toBe(true);
    expect((await budget.take('other')).granted).toBe(true);
  });
});
