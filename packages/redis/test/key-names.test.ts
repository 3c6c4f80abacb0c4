import { describe, expect, it } from 'vitest';
import { hashSlot, locationKey, queuePrefix } from '../src/index.js';

describe('key names', () => {
  it("puts a queue's keys in one slot and different queues in different ones", () => {
    const webhooks = queuePrefix('ghlb', 'webhooks');
    expect(webhooks).toBe('ghlb:{webhooks}');
    const slots = ['wait', 'active', 'meta', 'wh-123'].map((suffix) =>
      hashSlot(`${webhooks}:webhooks:${suffix}`),
    );
    expect(new Set(slots).size).toBe(1);
    expect(hashSlot(`${queuePrefix('ghlb', 'citas')}:citas:wait`)).not.toBe(slots[0]);
  });

  it("keeps a location's keys together whatever its id holds", () => {
    for (const id of ['ve9EPM428h8vShlRW1KT', 'loc:with:colons', 'odd}id', '{braced}', 'ñandú']) {
      const keys = [locationKey('ghlb', id, 'ghl', 'access'), locationKey('ghlb', id, 'budget', 'schedule')];
      expect(hashSlot.generateMulti(keys)).toBeGreaterThanOrEqual(0);
    }
    expect(locationKey('ghlb', 'loc1', 'budget', 'daily')).toBe('ghlb:{loc1}:budget:daily');
  });

  it('refuses an empty location id, which would leave the key without a hash tag', () => {
    expect(() => locationKey('ghlb', '', 'ghl', 'access')).toThrow(/location id/);
  });
});
