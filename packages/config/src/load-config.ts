import type { z } from 'zod';
import { type Env, envSchema } from './env-schema.js';

export type Config = ReturnType<typeof toConfig>;

/** Only for development and tests, so `npm start` works with no set-up; production refuses it. */
const DEVELOPMENT_TOKEN_KEY = Buffer.alloc(32, 'ghl-bridge-development-only-key!').toString('base64');

/** One error naming every bad variable, so a misconfigured deploy is fixed in one pass. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/**
 * Parses the environment once, at start. Pure: pass `process.env` (only main.ts files do) or a
 * literal in tests. Empty strings count as unset, as most .env tooling means them.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(describe(parsed.error));
  return deepFreeze(toConfig(parsed.data));
}

function describe(error: z.ZodError): Array<{ variable: string; message: string }> {
  // Values are never echoed: a bad variable may hold a secret.
  return error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? '(root)'),
    message: issue.message,
  }));
}

function toConfig(e: Env) {
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL },
    http: {
      host: e.HOST,
      port: e.PORT,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: {
      url: e.REDIS_URL,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      tls: e.REDIS_TLS,
      ackReplicas: e.REDIS_ACK_REPLICAS,
      queuePrefix: e.QUEUE_PREFIX,
    },
    webhooks: {
      bodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
      enqueueTimeoutMs: e.WEBHOOK_ENQUEUE_TIMEOUT_MS,
      ed25519PublicKey: e.GHL_WEBHOOK_PUBLIC_KEY,
      rsaPublicKey: e.GHL_WEBHOOK_RSA_PUBLIC_KEY,
      rsaEnabled: e.GHL_WEBHOOK_RSA_ENABLED,
      maxAgeSeconds: e.GHL_WEBHOOK_MAX_AGE_SECONDS,
      // The single location's workflow secret (the schema ensures GHL_LOCATION_ID is set with it).
      configuredSecret:
        e.GHL_WEBHOOK_SECRET && e.GHL_LOCATION_ID
          ? { secret: e.GHL_WEBHOOK_SECRET, locationId: e.GHL_LOCATION_ID }
          : undefined,
    },
    staffApi: { enqueueTimeoutMs: e.STAFF_ENQUEUE_TIMEOUT_MS },
    ghl: {
      apiBaseUrl: e.GHL_API_BASE_URL,
      clientId: e.GHL_CLIENT_ID,
      // GHL client ids read `<appId>-<suffix>`; /oauth/installedLocations asks for the appId.
      appId: e.GHL_CLIENT_ID?.split('-')[0],
      clientSecret: e.GHL_CLIENT_SECRET,
      bootstrap: {
        accessToken: e.GHL_ACCESS_TOKEN,
        refreshToken: e.GHL_REFRESH_TOKEN,
        locationId: e.GHL_LOCATION_ID,
      },
      requestTimeoutMs: e.GHL_REQUEST_TIMEOUT_MS,
      oauth: {
        redirectUri: e.GHL_OAUTH_REDIRECT_URI,
        marketplaceUrl: e.GHL_MARKETPLACE_URL,
        scopes: e.GHL_OAUTH_SCOPES,
      },
      rateLimit: {
        burst: e.GHL_RATE_LIMIT_BURST,
        intervalMs: e.GHL_RATE_LIMIT_INTERVAL_MS,
        daily: e.GHL_RATE_LIMIT_DAILY,
      },
      tokens: {
        // Development falls back to a fixed, publicly known key (never in production: see the schema).
        encryptionKey: Buffer.from(e.TOKEN_ENCRYPTION_KEY ?? DEVELOPMENT_TOKEN_KEY, 'base64'),
        usingDevelopmentKey: e.TOKEN_ENCRYPTION_KEY === undefined,
        refreshMarginSeconds: e.GHL_TOKEN_REFRESH_MARGIN_SECONDS,
        lockTtlMs: e.GHL_REFRESH_LOCK_TTL_MS,
      },
    },
    oauthFlow: {
      stateTtlSeconds: e.OAUTH_STATE_TTL_SECONDS,
      callbackRateLimitPerMinute: e.OAUTH_CALLBACK_RATE_LIMIT,
    },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      webhookConcurrency: e.WEBHOOK_CONCURRENCY,
      metricsPort: e.WORKER_METRICS_PORT,
    },
    discovery: {
      timeoutMs: e.DISCOVERY_TIMEOUT_MS,
      calendarsSeconds: e.CALENDARS_CACHE_SECONDS,
      freeSlotsSeconds: e.FREE_SLOTS_CACHE_SECONDS,
    },
    schedules: {
      reconcileEveryMs: e.RECONCILE_EVERY_MINUTES * 60_000,
      reconcileBackMs: e.RECONCILE_DAYS_BACK * 86_400_000,
      reconcileAheadMs: e.RECONCILE_DAYS_AHEAD * 86_400_000,
      webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS,
      changesRetentionDays: e.CHANGES_RETENTION_DAYS,
    },
    notifications: {
      timeoutMs: e.NOTIFICATION_TIMEOUT_MS,
      retryScheduleMs: e.NOTIFICATION_RETRY_SCHEDULE,
      concurrency: e.NOTIFICATION_CONCURRENCY,
      secretOverlapMs: e.NOTIFICATION_SECRET_OVERLAP_HOURS * 3_600_000,
      sweepMs: e.NOTIFICATION_SWEEP_SECONDS * 1000,
    },
    admin: { token: e.ADMIN_TOKEN, bullBoardWrite: e.BULL_BOARD_WRITE },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

function deepFreeze<T>(value: T): T {
  // Buffers cannot be frozen (and are not config trees); everything else is.
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
