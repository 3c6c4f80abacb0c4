import { hashSlot, type RedisClient } from '@ghl-bridge/redis';
import { describe, expect, it } from 'vitest';
import { runAsBudgetHolder } from '../src/budget/budget-holder.js';
import { RateBudget } from '../src/budget/rate-budget.js';
import { AccessTokenCache } from '../src/tokens/access-token-cache.js';
import { RefreshLock } from '../src/tokens/refresh-lock.js';

// On a Redis Cluster a command or Lua script may only touch keys of one slot (else CROSSSLOT).
// These run the real budget, lock and cache code against a recorder that notes the keys of
// every command and answers as Redis would on the paths taken, then check the slots. The
// cluster integration test (services/worker/test/cluster.int.test.ts) runs the same code on a
// real cluster, which refuses any cross-slot call.

interface Call {
  command: string;
  keys: string[];
}

function keyRecorder() {
  const calls: Call[] = [];
  const owner = { value: '' };
  const client = {
    async eval(_script: string, numberOfKeys: number, ...args: Array<string | number>) {
      calls.push({ command: 'eval', keys: args.slice(0, numberOfKeys).map(String) });
      // TAKE's "granted now" answer, or 1 for the lock scripts and the block script.
      return numberOfKeys === 5 ? [1, Date.now(), 0, 5, -1] : 1;
    },
    async set(key: string, value: string) {
      calls.push({ command: 'set', keys: [key] });
      owner.value = value;
      return 'OK';
    },
    async get(key: string) {
      calls.push({ command: 'get', keys: [key] });
      return owner.value || null;
    },
    async del(...keys: string[]) {
      calls.push({ command: 'del', keys });
      return keys.length;
    },
  };
  return { calls, client: client as unknown as RedisClient };
}

const slotsOf = (keys: string[]) => new Set(keys.map((key) => hashSlot(key)));

// GHL ids are 20 alphanumerics; the odd ones make sure no character breaks the tag.
const LOCATIONS = ['ve9EPM428h8vShlRW1KT', 'Kx1b2C3d4E5f6G7h8I9j', 'loc:with:colons', 'odd}id', 'ñandú-1'];

async function exerciseEverything(client: RedisClient, locationId: string): Promise<void> {
  const budget = new RateBudget(client, 'ghlb', { burst: 90, intervalMs: 10_000, daily: 195_000 });
  await budget.take(locationId);
  await runAsBudgetHolder('citas:job-42', () => budget.take(locationId));
  // A full GHL window (remaining 0) runs the block script; a lower max is learned.
  await budget.observe(
    locationId,
    { 'x-ratelimit-max': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-daily-remaining': '0' },
    Date.now(),
  );
  await budget.drain(locationId, 1000);
  const lock = new RefreshLock(client, 'ghlb', 30_000);
  const held = await lock.tryAcquire(locationId);
  await held?.stillHeld();
  await held?.release();
  const cache = new AccessTokenCache(client, 'ghlb', Buffer.alloc(32, 1), 1000);
  await cache.set(locationId, { accessToken: 'token', version: 1, expiresAt: Date.now() + 3600_000 });
  await cache.get(locationId);
  await cache.drop(locationId);
}

describe('Redis Cluster slots of the GHL client', () => {
  it('every budget, lock and cache command touches one slot', async () => {
    for (const locationId of LOCATIONS) {
      const { calls, client } = keyRecorder();
      await exerciseEverything(client, locationId);
      expect(calls.filter((c) => c.command === 'eval').map((c) => c.keys.length)).toEqual([5, 5, 2, 1]);
      for (const call of calls)
        expect(slotsOf(call.keys), `${call.command} ${call.keys}`).toHaveProperty('size', 1);
    }
  });

  it("keeps all of one location's state in one slot, and spreads locations over slots", async () => {
    const slots = new Set<number>();
    for (const locationId of LOCATIONS) {
      const { calls, client } = keyRecorder();
      await exerciseEverything(client, locationId);
      const mine = slotsOf(calls.flatMap((c) => c.keys));
      expect(mine.size).toBe(1);
      for (const slot of mine) slots.add(slot);
    }
    expect(slots.size).toBe(LOCATIONS.length);
  });
});
