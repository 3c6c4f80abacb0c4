import { locationKey } from '@ghl-bridge/redis';

// Every Redis key the GHL client keeps about one location (or company), all under the location's
// hash tag: on a Redis Cluster they share a slot, so each budget script touches one slot and
// one location's state never spans shards. Different locations spread over the shards.

export function accessTokenKey(prefix: string, resourceId: string): string {
  return locationKey(prefix, resourceId, 'ghl', 'access');
}

export function refreshLockKey(prefix: string, resourceId: string): string {
  return locationKey(prefix, resourceId, 'ghl', 'refresh-lock');
}

/** The rate budget's keys, in the order the TAKE script reads them (KEYS[1..5]). */
export function budgetKeys(prefix: string, locationId: string, holderId?: string) {
  const key = (...parts: string[]) => locationKey(prefix, locationId, 'ghl', 'budget', ...parts);
  return {
    /** Sorted set of planned send times. */
    schedule: key('schedule'),
    /** Calls counted today. */
    daily: key('daily'),
    /** Set while GHL's window is full or after a 429. */
    blocked: key('blocked'),
    /** A lower limit learned from GHL's X-RateLimit-Max. */
    learnedLimit: key('learned-limit'),
    /** Slots held for one job's next run (a list); shared placeholder when there is no holder. */
    held: holderId === undefined ? key('held') : key('held', holderId),
  };
}
