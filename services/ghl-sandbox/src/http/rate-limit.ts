import type { Clock } from '../domain/clock.js';

export interface RateLimitConfig {
  /** Requests allowed per burst window (GHL: 100). */
  max: number;
  /** Burst window length in ms (GHL: 10,000). */
  intervalMs: number;
  /** Requests allowed per day (GHL: 200,000). */
  daily: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { max: 100, intervalMs: 10_000, daily: 200_000 };

interface Counter {
  windowStart: number;
  inWindow: number;
  day: number;
  inDay: number;
}

export interface RateLimitResult {
  allowed: boolean;
  headers: Record<string, string>;
}

const DAY_MS = 86_400_000;

/**
 * Fixed-window counters per (app, location|company), like GHL's per-app-per-resource budgets.
 * The daily window is the UTC calendar day (GHL's exact reset is UNCONFIRMED).
 * Rejected requests count too: a client hammering through 429s does not get its budget back sooner.
 */
export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly clock: Clock,
    public config: RateLimitConfig,
  ) {}

  hit(key: string): RateLimitResult {
    const now = this.clock.now();
    const { max, intervalMs, daily } = this.config;
    const day = Math.floor(now / DAY_MS);
    let c = this.counters.get(key);
    if (!c) {
      c = { windowStart: now, inWindow: 0, day, inDay: 0 };
      this.counters.set(key, c);
    }
    if (now - c.windowStart >= intervalMs) {
      c.windowStart = now;
      c.inWindow = 0;
    }
    if (c.day !== day) {
      c.day = day;
      c.inDay = 0;
    }
    c.inWindow++;
    c.inDay++;
    const allowed = c.inWindow <= max && c.inDay <= daily;
    return {
      allowed,
      headers: {
        'X-RateLimit-Limit-Daily': String(daily),
        'X-RateLimit-Daily-Remaining': String(Math.max(0, daily - c.inDay)),
        'X-RateLimit-Interval-Milliseconds': String(intervalMs),
        'X-RateLimit-Max': String(max),
        'X-RateLimit-Remaining': String(Math.max(0, max - c.inWindow)),
      },
    };
  }

  reset(): void {
    this.counters.clear();
  }
}
