import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import type { RedisClient } from '@ghl-bridge/redis';
import { RateBudget } from './budget/rate-budget.js';
import { GhlClient } from './client.js';
import { createGhlHttp, type GhlHttp } from './http/ghl-http.js';
import { GhlInstalls } from './install.js';
import { OAuthApi } from './oauth-api.js';
import { AccessTokenCache } from './tokens/access-token-cache.js';
import { RefreshLock } from './tokens/refresh-lock.js';
import { TokenManager } from './tokens/token-manager.js';
import { TokenStore } from './tokens/token-store.js';

export interface CreateGhlOptions {
  config: Config;
  db: Db;
  /** A plain command connection (not a blocking worker connection). */
  redis: RedisClient;
  log: Logger;
  metrics: Metrics['ghl'];
  /** Replaces the wire, e.g. to count requests in a test; defaults to got against GHL_API_BASE_URL. */
  http?: GhlHttp;
}

/** Wires the GHL client and its token, lock and budget pieces from config, as a worker needs them. */
export function createGhl({ config, db, redis, log, metrics, http }: CreateGhlOptions) {
  const { ghl, redis: redisConfig } = config;
  const prefix = redisConfig.queuePrefix;
  const wire = http ?? createGhlHttp({ baseUrl: ghl.apiBaseUrl, timeoutMs: ghl.requestTimeoutMs });
  const credentials =
    ghl.clientId && ghl.clientSecret ? { clientId: ghl.clientId, clientSecret: ghl.clientSecret } : undefined;
  const oauth = new OAuthApi(wire, credentials);
  const store = new TokenStore(db, ghl.tokens.encryptionKey);
  const refreshMarginMs = ghl.tokens.refreshMarginSeconds * 1000;
  const cache = new AccessTokenCache(redis, prefix, ghl.tokens.encryptionKey, refreshMarginMs);
  const lock = new RefreshLock(redis, prefix, ghl.tokens.lockTtlMs);
  const tokens = new TokenManager({
    store,
    cache,
    lock,
    oauth,
    log,
    metrics,
    refreshMarginMs,
    lockWaitMs: ghl.tokens.lockTtlMs * 2,
  });
  const budget = new RateBudget(redis, prefix, ghl.rateLimit);
  const client = new GhlClient({
    http: wire,
    tokens,
    budget,
    log,
    metrics,
    intervalMs: ghl.rateLimit.intervalMs,
  });
  return { client, tokens, store, budget, installs: new GhlInstalls(oauth, store, cache), oauth };
}

export type Ghl = ReturnType<typeof createGhl>;
