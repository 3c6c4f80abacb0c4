import type { RedisClient } from '@ghl-bridge/redis';
import { openSecret, sealSecret } from '@ghl-bridge/secrets';
import { accessTokenKey } from '../location-keys.js';

export interface CachedAccessToken {
  accessToken: string;
  version: number;
  expiresAt: number;
}

/**
 * Access tokens in Redis, shared by every process, kept until `marginMs` before expiry.
 * Refresh tokens are never cached here: they live in Postgres only, with no TTL to lose them.
 */
export class AccessTokenCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly key: Buffer,
    private readonly marginMs: number,
  ) {}

  async get(resourceId: string): Promise<CachedAccessToken | undefined> {
    const raw = await this.redis.get(this.keyFor(resourceId));
    if (!raw) return undefined;
    const { token, version, expiresAt } = JSON.parse(raw) as {
      token: string;
      version: number;
      expiresAt: number;
    };
    return { accessToken: openSecret(this.key, token, resourceId), version, expiresAt };
  }

  async set(resourceId: string, entry: CachedAccessToken, now = Date.now()): Promise<void> {
    const ttl = entry.expiresAt - this.marginMs - now;
    if (ttl <= 0) return;
    const token = sealSecret(this.key, entry.accessToken, resourceId);
    await this.redis.set(
      this.keyFor(resourceId),
      JSON.stringify({ token, version: entry.version, expiresAt: entry.expiresAt }),
      'PX',
      ttl,
    );
  }

  async drop(resourceId: string): Promise<void> {
    await this.redis.del(this.keyFor(resourceId));
  }

  private keyFor(resourceId: string): string {
    return accessTokenKey(this.prefix, resourceId);
  }
}
