import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@ghl-bridge/redis';
import { budgetKeys } from '../location-keys.js';
import { type BudgetHolder, currentBudgetHolder } from './budget-holder.js';
import { BLOCK_FULL_WINDOW, TAKE } from './budget-scripts.js';

export interface RateBudgetConfig {
  /** Requests per window we allow ourselves per location (under GHL's X-RateLimit-Max). */
  burst: number;
  intervalMs: number;
  daily: number;
}

export type BudgetDecision =
  | {
      granted: true;
      /** The call's send time on the location's schedule (Redis clock, ms). */
      slot: number;
      /** Send after this many ms: the slot is near enough to wait for in process. */
      waitMs: number;
      remaining: number;
      /** How late a slot held from an earlier run was claimed. */
      lateMs?: number;
    }
  | {
      granted: false;
      waitMs: number;
      /** How late a slot held from an earlier run was, when it was given up for being too late. */
      lateMs?: number;
    };

/**
 * Each location's GHL budget, shared by every process through Redis. A call takes a slot on the
 * location's schedule before it is sent; a call that must wait long is not sent, and its caller
 * learns how long. Inside a queue job (see runAsBudgetHolder) that future slot is held for the
 * job's next run. GHL's headers correct the budget on every answer; a 429 blocks the location
 * until its window is over. One location's budget never holds back another's.
 */
export class RateBudget {
  /**
   * How late a held slot may still be claimed: a tenth of the window, the headroom our limit
   * keeps under GHL's (90 of 100), so late sends still fit GHL's window. Later, it is given up.
   */
  readonly lateMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly config: RateBudgetConfig,
  ) {
    this.lateMs = Math.ceil(config.intervalMs / 10);
  }

  async take(
    locationId: string,
    holder: BudgetHolder | undefined = currentBudgetHolder(),
  ): Promise<BudgetDecision> {
    const granted = holder?.granted.get(locationId) ?? 0;
    const keys = budgetKeys(this.prefix, locationId, holder?.id);
    const reply = (await this.redis.eval(
      TAKE,
      5,
      keys.schedule,
      keys.daily,
      keys.blocked,
      keys.learnedLimit,
      keys.held,
      this.config.burst,
      this.config.intervalMs,
      this.config.daily,
      randomBytes(4).toString('hex'),
      holder?.id ?? '',
      granted + 1,
      this.lateMs,
    )) as number[];
    if (reply[0] !== 1) {
      const [, waitMs = this.config.intervalMs, lateMs = -1] = reply;
      return { granted: false, waitMs, ...(lateMs >= 0 ? { lateMs } : {}) };
    }
    holder?.granted.set(locationId, granted + 1);
    const [, slot = 0, waitMs = 0, remaining = 0, lateMs = -1] = reply;
    return { granted: true, slot, waitMs, remaining, ...(lateMs >= 0 ? { lateMs } : {}) };
  }

  /**
   * Reads GHL's X-RateLimit-* headers for the call sent in `slot`: a lower limit than ours is
   * learned, a full window blocks until it is over.
   */
  async observe(
    locationId: string,
    headers: Record<string, string | string[] | undefined>,
    slot: number,
  ): Promise<void> {
    const { schedule, blocked: block, learnedLimit: learned } = budgetKeys(this.prefix, locationId);
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
    if (remaining !== undefined && remaining <= 0) {
      const counted = max === undefined ? 0 : max - remaining;
      writes.push(
        this.redis.eval(BLOCK_FULL_WINDOW, 2, schedule, block, counted, intervalMs, slot, this.lateMs),
      );
    }
    if (dailyRemaining !== undefined && dailyRemaining <= 0)
      writes.push(this.redis.set(block, '1', 'PX', 3600_000));
    await Promise.all(writes);
  }

  /** After a GHL 429: nothing goes to this location until `waitMs` has passed. */
  async drain(locationId: string, waitMs: number): Promise<void> {
    const { blocked } = budgetKeys(this.prefix, locationId);
    await this.redis.set(blocked, '1', 'PX', Math.max(1, Math.ceil(waitMs)));
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
