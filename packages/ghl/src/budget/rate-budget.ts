import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface RateBudgetConfig {
  /** Requests per window we allow ourselves per location (under GHL's X-RateLimit-Max). */
  burst: number;
  intervalMs: number;
  daily: number;
}

export type BudgetDecision = { granted: true; remaining: number } | { granted: false; waitMs: number };

// Sliding window (a sorted set of send times) per location, so no interval of `intervalMs`
// ever holds more than the limit, however GHL's own window is aligned. Redis TIME gives every
// process one clock. KEYS: window zset, daily counter, block flag, learned limit.
// ARGV: configured burst, interval ms, daily limit, unique member suffix.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[2])
local blocked = redis.call('PTTL', KEYS[3])
if blocked > 0 then return {0, blocked} end
local limit = tonumber(ARGV[1])
local learned = tonumber(redis.call('GET', KEYS[4]) or '0')
if learned > 0 and learned < limit then limit = learned end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + interval - now)}
end
local daily = tonumber(redis.call('GET', KEYS[2]) or '0')
if daily >= tonumber(ARGV[3]) then
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl < 0 then ttl = 60000 end
  return {0, ttl}
end
redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], interval)
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], 86400000) end
return {1, limit - count - 1}
`;

/**
 * Each location's GHL budget, shared by every process through Redis. A call takes a slot
 * before it is sent; with none left it is not sent and the caller learns how long to wait.
 * GHL's headers correct the budget on every answer; a 429 blocks the location until its window
 * is over. One location's budget never holds back another's.
 */
export class RateBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly config: RateBudgetConfig,
  ) {}

  async take(locationId: string): Promise<BudgetDecision> {
    const [granted, value] = (await this.redis.eval(
      TAKE,
      4,
      ...this.keys(locationId),
      this.config.burst,
      this.config.intervalMs,
      this.config.daily,
      randomBytes(4).toString('hex'),
    )) as [number, number];
    return granted === 1 ? { granted: true, remaining: value } : { granted: false, waitMs: value };
  }

  /** Reads GHL's X-RateLimit-* headers: a lower limit than ours is learned, an empty window blocks. */
  async observe(locationId: string, headers: Record<string, string | string[] | undefined>): Promise<void> {
    const [, , block, learned] = this.keys(locationId);
    const max = numberHeader(headers['x-ratelimit-max']);
    const remaining = numberHeader(headers['x-ratelimit-remaining']);
    const intervalMs = numberHeader(headers['x-ratelimit-interval-milliseconds']) ?? this.config.intervalMs;
    const dailyRemaining = numberHeader(headers['x-ratelimit-daily-remaining']);
    const writes: Promise<unknown>[] = [];
    // GHL's current limit, less a tenth of headroom for refresh retries and other callers. It is
    // followed both ways: a limit GHL lowered and then restored must not slow us for long.
    if (max !== undefined) {
      const allowed = Math.max(1, Math.floor(max * 0.9));
      writes.push(
        allowed < this.config.burst
          ? this.redis.set(learned, allowed, 'PX', 3600_000)
          : this.redis.del(learned),
      );
    }
    // Someone else spends this location's GHL budget too: stop until GHL's window has passed.
    if (remaining !== undefined && remaining <= 0)
      writes.push(this.redis.set(block, '1', 'PX', intervalMs, 'NX'));
    if (dailyRemaining !== undefined && dailyRemaining <= 0)
      writes.push(this.redis.set(block, '1', 'PX', 3600_000));
    await Promise.all(writes);
  }

  /** After a GHL 429: nothing goes to this location until `waitMs` has passed. */
  async drain(locationId: string, waitMs: number): Promise<void> {
    const [, , block] = this.keys(locationId);
    await this.redis.set(block, '1', 'PX', Math.max(1, Math.ceil(waitMs)));
  }

  private keys(locationId: string): [string, string, string, string] {
    const base = `${this.prefix}:ghl:budget:${locationId}`;
    return [`${base}:window`, `${base}:daily`, `${base}:blocked`, `${base}:learned-limit`];
  }
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** Milliseconds to wait after a 429: GHL's Retry-After when sent, else its window length. */
export function waitAfter429(
  headers: Record<string, string | string[] | undefined>,
  fallbackMs: number,
): number {
  const retryAfter = numberHeader(headers['retry-after']);
  if (retryAfter !== undefined) return retryAfter * 1000;
  return numberHeader(headers['x-ratelimit-interval-milliseconds']) ?? fallbackMs;
}
