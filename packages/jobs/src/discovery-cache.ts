import { locationKey, type RedisClient } from '@ghl-bridge/redis';

/** The seed service's calendar shape, which RV3 reads unchanged. */
export interface CalendarSummary {
  id: string;
  name: string;
  description: string;
  timezone: string;
  isActive: boolean;
}

export interface FreeSlotsQuery {
  locationId: string;
  calendarId: string;
  startMs: number;
  endMs: number;
  timezone: string;
}

/**
 * GHL reads shared by ingress (reads) and the worker (writes after asking GHL), so ingress can
 * answer from cache without calling GHL, and a lookup that timed out still fills the cache.
 */
export class DiscoveryCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttl: { calendarsSeconds: number; freeSlotsSeconds: number },
  ) {}

  getCalendars(locationId: string): Promise<CalendarSummary[] | undefined> {
    return this.get(this.calendarsKey(locationId));
  }

  setCalendars(locationId: string, calendars: CalendarSummary[]): Promise<void> {
    return this.set(this.calendarsKey(locationId), calendars, this.ttl.calendarsSeconds);
  }

  getFreeSlots(query: FreeSlotsQuery): Promise<Record<string, string[]> | undefined> {
    return this.get(this.freeSlotsKey(query));
  }

  setFreeSlots(query: FreeSlotsQuery, slots: Record<string, string[]>): Promise<void> {
    return this.set(this.freeSlotsKey(query), slots, this.ttl.freeSlotsSeconds);
  }

  private async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  }

  private async set(key: string, value: unknown, seconds: number): Promise<void> {
    await this.redis.set(key, JSON.stringify(value), 'EX', seconds);
  }

  // Under the location's hash tag, with the rest of what ghl-bridge keeps about it.
  private calendarsKey(locationId: string): string {
    return locationKey(this.prefix, locationId, 'cache', 'calendars');
  }

  private freeSlotsKey(q: FreeSlotsQuery): string {
    const range = `${q.calendarId}:${q.startMs}:${q.endMs}:${q.timezone}`;
    return locationKey(this.prefix, q.locationId, 'cache', 'free-slots', range);
  }
}
