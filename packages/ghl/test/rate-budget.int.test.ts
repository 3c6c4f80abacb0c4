import { setTimeout as sleep } from 'node:timers/promises';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { type BudgetHolder, RateBudget } from '../src/index.js';

/** A job's run as the budget sees it; `granted` counts the calls this run already made. */
function run(id: string, granted = 0, locationId = 'busy'): BudgetHolder {
  return { id, granted: new Map([[locationId, granted]]) };
}

function waitOf(decision: Awaited<ReturnType<RateBudget['take']>>): number {
  if (decision.granted) throw new Error('expected to be turned away');
  return decision.waitMs;
}

describe('RateBudget', () => {
  test('grants the burst per location, then says how long to wait; other locations are unaffected', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 3, intervalMs: 1000, daily: 1000 });
    for (let i = 0; i < 3; i++) expect((await budget.take('busy')).granted).toBe(true);
    expect(waitOf(await budget.take('busy'))).toBeGreaterThan(0);
    expect((await budget.take('quiet')).granted).toBe(true);
  });

  test('a backlog gets slots one interval/limit apart, not a burst at the window edge', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 4, intervalMs: 2000, daily: 1000 });
    for (let i = 0; i < 4; i++) expect((await budget.take('busy')).granted).toBe(true);
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(waitOf(await budget.take('busy', run(`job-${i}`))));
    // The first waits for the window; each next one 2000 / 4 = 500 ms after the one before.
    expect(waits[0]).toBeGreaterThan(1900);
    for (let i = 1; i < waits.length; i++)
      expect((waits[i] ?? 0) - (waits[i - 1] ?? 0)).toBeGreaterThanOrEqual(495);
    // A caller with no job to hold a slot for is told to come back after all of them.
    expect(waitOf(await budget.take('busy'))).toBeGreaterThanOrEqual((waits[4] ?? 0) + 495);
  });

  test("a delayed job's next run claims the slot held for it, ahead of callers that came later", async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 2, intervalMs: 600, daily: 1000 });
    for (let i = 0; i < 2; i++) await budget.take('busy');
    const wait = waitOf(await budget.take('busy', run('early')));
    const later = waitOf(await budget.take('busy', run('later')));
    expect(later).toBeGreaterThan(wait);
    await sleep(wait);
    const claimed = await budget.take('busy', run('early'));
    expect(claimed).toMatchObject({ granted: true });
    expect(claimed.lateMs).toBeLessThan(budget.lateMs);
    // The slot was counted when it was held: claiming it did not push the later caller back,
    // whose own slot is now near enough to wait for in process.
    const after = await budget.take('busy', run('later'));
    expect(after).toMatchObject({ granted: true });
    expect(after.waitMs).toBeLessThanOrEqual(later - wait);
  });

  test('a run turned away after one call holds two slots, so its next run can finish', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 2, intervalMs: 600, daily: 1000 });
    for (let i = 0; i < 2; i++) await budget.take('busy');
    const wait = waitOf(await budget.take('busy', run('two-calls', 1)));
    await sleep(wait);
    const next = run('two-calls');
    const first = await budget.take('busy', next);
    const second = await budget.take('busy', next);
    expect(first).toMatchObject({ granted: true });
    // The second slot is one spacing (600 / 2 ms) after the first: waited for in process.
    expect(second).toMatchObject({ granted: true });
    if (second.granted && first.granted) expect(second.slot - first.slot).toBeGreaterThanOrEqual(300);
  });

  test('a held slot claimed later than a tenth of the window is given up, not sent late', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 2, intervalMs: 500, daily: 1000 });
    for (let i = 0; i < 2; i++) await budget.take('busy');
    const first = waitOf(await budget.take('busy', run('slow')));
    waitOf(await budget.take('busy', run('on-time')));
    await sleep(first + budget.lateMs + 30);
    const stale = await budget.take('busy', run('slow'));
    expect(stale.lateMs).toBeGreaterThan(budget.lateMs);
    // It queues again behind the job that held the next slot.
    expect(stale.granted).toBe(false);
  });

  test("follows GHL's X-RateLimit-Max down and back up", async ({ redis, queuePrefix }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 90, intervalMs: 10_000, daily: 1000 });
    await budget.observe('loc', { 'x-ratelimit-max': '5', 'x-ratelimit-remaining': '4' }, 0);
    let granted = 0;
    for (let i = 0; i < 10; i++) if ((await budget.take('loc')).granted) granted++;
    expect(granted).toBe(4); // 90% of GHL's 5
    await budget.observe('loc', { 'x-ratelimit-max': '100', 'x-ratelimit-remaining': '90' }, 0);
    expect((await budget.take('loc')).granted).toBe(true);
  });

  test('a full GHL window we filled ourselves blocks only until the oldest of our calls leaves it', async ({
    redis,
    queuePrefix,
  }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 20, intervalMs: 1000, daily: 1000 });
    let slot = 0;
    for (let i = 0; i < 20; i++) {
      const decision = await budget.take('ours');
      if (decision.granted) slot = decision.slot;
    }
    await sleep(500);
    const full = { 'x-ratelimit-max': '20', 'x-ratelimit-remaining': '0' };
    await budget.observe('ours', full, slot);
    // GHL counted our 20 calls of ~500 ms ago: its window ends ~500 ms (+ a tenth) from now.
    const wait = waitOf(await budget.take('ours'));
    expect(wait).toBeLessThan(700);
    expect(wait).toBeGreaterThan(300);
    // GHL counted 20 where we sent 1: someone else spends this budget, so a whole window passes.
    const one = await budget.take('shared');
    await budget.observe('shared', full, one.granted ? one.slot : 0);
    expect(waitOf(await budget.take('shared'))).toBeGreaterThan(900);
  });

  test('an empty GHL window or a 429 blocks the location until it passes', async ({ redis, queuePrefix }) => {
    const budget = new RateBudget(redis, queuePrefix, { burst: 90, intervalMs: 10_000, daily: 1000 });
    const empty = { 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '300' };
    await budget.observe('loc', empty, 0);
    const blocked = waitOf(await budget.take('loc'));
    expect(blocked).toBeLessThanOrEqual(300);
    await budget.drain('other', 200);
    expect((await budget.take('other')).granted).toBe(false);
    await sleep(350);
    expect((await budget.take('loc')).granted).toBe(true);
    expect((await budget.take('other')).granted).toBe(true);
  });
});
