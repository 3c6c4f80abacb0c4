import { hashSlot, type RedisClient } from '@ghl-bridge/redis';
import { QueueKeys } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DiscoveryCache } from '../src/discovery-cache.js';
import { QUEUE_NAMES, queuePrefix } from '../src/index.js';

// BullMQ's scripts touch many keys of one queue at once: on a Redis Cluster they must share a
// slot, and separate queues should not, so that they spread over the shards.

// Slot ranges of a 3-master cluster as `redis-cli --cluster create` splits it.
const shardOf = (slot: number) => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);

describe('Redis Cluster slots of the queues', () => {
  it("puts every key of a queue (its lists, sets, jobs, schedulers) in the queue's one slot", () => {
    for (const name of QUEUE_NAMES) {
      const keys = new QueueKeys(queuePrefix('ghlb', name));
      const all = [
        ...Object.values(keys.getKeys(name)),
        keys.toKey(name, 'wh-0f3a'),
        keys.toKey(name, 'wh-0f3a:logs'),
        keys.toKey(name, 'repeat:reconcile-all'),
        keys.toKey(name, 'de:dedup-id'),
      ];
      expect(new Set(all.map((key) => hashSlot(key))).size, name).toBe(1);
    }
  });

  it('spreads the four queues over the three shards of a 3-master cluster', () => {
    const slots = QUEUE_NAMES.map((name) =>
      hashSlot(new QueueKeys(queuePrefix('ghlb', name)).toKey(name, 'wait')),
    );
    expect(new Set(slots).size).toBe(QUEUE_NAMES.length);
    expect(new Set(slots.map(shardOf)).size).toBe(3);
  });

  it("files the discovery cache under the location's hash tag", async () => {
    const keys: string[] = [];
    const recorder = {
      async set(key: string) {
        keys.push(key);
        return 'OK';
      },
      async get(key: string) {
        keys.push(key);
        return null;
      },
    } as unknown as RedisClient;
    const cache = new DiscoveryCache(recorder, 'ghlb', { calendarsSeconds: 60, freeSlotsSeconds: 30 });
    const query = {
      locationId: 'loc-1',
      calendarId: 'cal:1',
      startMs: 0,
      endMs: 1,
      timezone: 'America/Lima',
    };
    await cache.setCalendars('loc-1', []);
    await cache.getCalendars('loc-1');
    await cache.setFreeSlots(query, {});
    await cache.getFreeSlots(query);
    expect(new Set(keys.map((key) => hashSlot(key)))).toEqual(new Set([hashSlot('{loc-1}')]));
  });
});
