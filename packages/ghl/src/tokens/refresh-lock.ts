import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@ghl-bridge/redis';
import { refreshLockKey } from '../location-keys.js';

// Only the owner may extend or release: a holder whose lock lapsed must not free a successor's.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface HeldLock {
  owner: string;
  /** False once the lock was lost (expired and taken): the holder must not write after that. */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** One refresh per location across all processes: SET NX PX with an owner token, renewed while held. */
export class RefreshLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async tryAcquire(resourceId: string): Promise<HeldLock | undefined> {
    const key = refreshLockKey(this.prefix, resourceId);
    const owner = randomUUID();
    const taken = await this.redis.set(key, owner, 'PX', this.ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    // Renew at a third of the TTL so a slow refresh keeps its lock; stop on release.
    const renewal = setInterval(
      () => {
        this.redis.eval(RENEW, 1, key, owner, this.ttlMs).catch(() => {});
      },
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    renewal.unref();
    return {
      owner,
      stillHeld: async () => (await this.redis.get(key)) === owner,
      release: async () => {
        clearInterval(renewal);
        await this.redis.eval(RELEASE, 1, key, owner);
      },
    };
  }
}
