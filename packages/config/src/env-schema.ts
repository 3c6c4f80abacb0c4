import { z } from 'zod';
import { envBoolean, envDurationList, envHostPorts, envInt, envPublicKey, envUrl } from './env-types.js';
import { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './ghl-public-keys.js';
import { DEFAULT_DATABASE_URL, DEFAULT_QUEUE_PREFIX } from './resolve-env.js';

// Every variable ghl-bridge reads, flat as the environment holds them. `.env.example` documents
// each one; load-config.ts folds them into the nested Config. Defaults point at 127.0.0.1.
export const envSchema = z
  .object({
    // development | test | production: production refuses the sandbox and insecure defaults.
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    // pino level for every process.
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Where ingress listens.
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: envInt(3000, { min: 0, max: 65535 }),
    // Longest ingress waits for a request's headers, then for the whole request (body included):
    // a client that sends slowly or stops mid-request is cut off (408) instead of holding a socket.
    HTTP_HEADERS_TIMEOUT_MS: envInt(10_000, { min: 100, max: 600_000 }),
    HTTP_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 100, max: 600_000 }),

    // PostgreSQL, the source of truth.
    DATABASE_URL: envUrl(/^postgres(ql)?:$/).default(DEFAULT_DATABASE_URL),
    // Connections per process in the postgres.js pool.
    DATABASE_POOL_SIZE: envInt(10, { min: 1, max: 200 }),

    // One Redis (rediss:// for TLS; user and password in the URL), for queues and shared state.
    REDIS_URL: envUrl(/^rediss?:$/).default('redis://127.0.0.1:6379'),
    // A Redis Cluster instead: some of its nodes, `host:port,host:port`; REDIS_URL is then unused.
    REDIS_CLUSTER_NODES: envHostPorts.optional(),
    // Credentials for the cluster's nodes, or for REDIS_URL when its URL holds none.
    REDIS_USERNAME: z.string().min(1).max(256).optional(),
    REDIS_PASSWORD: z.string().min(1).max(1024).optional(),
    // TLS to the cluster's nodes (REDIS_URL turns it on with rediss://).
    REDIS_TLS: envBoolean(false),
    // Replicas that must hold a job before ingress counts it stored (Redis WAIT). 1 on a cluster
    // with replicas: a master that dies then loses no job already answered 200 or 202.
    REDIS_ACK_REPLICAS: envInt(0, { min: 0, max: 5 }),
    // Namespace of every key. No braces: ghl-bridge adds the {hash tags} itself, one per queue
    // and one per GHL location, so a Redis Cluster spreads them over its shards.
    QUEUE_PREFIX: z
      .string()
      .max(64)
      .regex(
        /^[\w-]+$/,
        'letters, digits, _ and - only (no braces: hash tags are added per queue and location)',
      )
      .default(DEFAULT_QUEUE_PREFIX),

    // Largest webhook body accepted (bytes); larger gets 413.
    WEBHOOK_BODY_LIMIT_BYTES: envInt(1_048_576, { min: 1024 }),
    // How long a webhook waits for Redis to store its job before answering 429 (GHL retries 429 only).
    WEBHOOK_ENQUEUE_TIMEOUT_MS: envInt(2000, { min: 50, max: 10_000 }),
    // How long a staff request waits for Redis to take its cita.sync job; the outbox covers a miss.
    STAFF_ENQUEUE_TIMEOUT_MS: envInt(1000, { min: 50, max: 10_000 }),
    // Ed25519 key for X-GHL-Signature; GHL's published key by default.
    GHL_WEBHOOK_PUBLIC_KEY: envPublicKey('ed25519', GHL_ED25519_PUBLIC_KEY),
    // RSA key for the legacy x-wh-signature; GHL's published key by default.
    GHL_WEBHOOK_RSA_PUBLIC_KEY: envPublicKey('rsa', GHL_RSA_PUBLIC_KEY),
    // Accept legacy RSA signatures when no X-GHL-Signature is present. GHL retired them on 2026-09-01.
    GHL_WEBHOOK_RSA_ENABLED: envBoolean(false),
    // Oldest webhook `timestamp` accepted, in seconds; wide enough for GHL's 429 retries (~70 min).
    GHL_WEBHOOK_MAX_AGE_SECONDS: envInt(7200, { min: 60 }),
    // GHL_LOCATION_ID's workflow secret (X-GHL-Bridge-Secret on workflow "Custom Webhooks"),
    // stored hashed at start; more locations get theirs from `ghl-bridge workflow-secrets create`.
    GHL_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),

    // GHL API and the Marketplace app's OAuth client.
    GHL_API_BASE_URL: envUrl(/^https?:$/).default('https://services.leadconnectorhq.com'),
    GHL_CLIENT_ID: z.string().min(1).optional(),
    GHL_CLIENT_SECRET: z.string().min(1).optional(),
    // Bootstrap tokens for a single location, stored (encrypted) on first start.
    GHL_ACCESS_TOKEN: z.string().min(1).optional(),
    GHL_REFRESH_TOKEN: z.string().min(1).optional(),
    GHL_LOCATION_ID: z.string().min(1).optional(),

    // AES-256-GCM key for GHL tokens at rest: 32 bytes, base64. Required in production.
    TOKEN_ENCRYPTION_KEY: z
      .string()
      .refine(
        (v) => Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      )
      .optional(),
    // Where GHL sends installers back with a code: this service's /oauth/callback, as registered in the app.
    GHL_OAUTH_REDIRECT_URI: envUrl(/^https?:$/).optional(),
    // GHL's authorisation page host (the sandbox serves a stand-in of its own).
    GHL_MARKETPLACE_URL: envUrl(/^https?:$/).default('https://marketplace.gohighlevel.com'),
    // Scopes asked for at install (space-separated), as the app is registered with GHL. The
    // oauth ones let an agency install list its locations and mint each one's token.
    GHL_OAUTH_SCOPES: z
      .string()
      .min(1)
      .default(
        'calendars.readonly calendars/events.readonly calendars/events.write contacts.readonly contacts.write oauth.readonly oauth.write',
      ),
    // How long the `state` of an install begun at /oauth/install stays valid, in seconds.
    OAUTH_STATE_TTL_SECONDS: envInt(900, { min: 60, max: 86_400 }),
    // /oauth/install and /oauth/callback requests per minute per client address (shared across processes).
    OAUTH_CALLBACK_RATE_LIMIT: envInt(20, { min: 1, max: 10_000 }),
    // Requests per window ghl-bridge allows itself per location: a little under GHL's 100 per 10 s.
    GHL_RATE_LIMIT_BURST: envInt(90, { min: 1 }),
    // Length of GHL's burst window in milliseconds (GHL: 10000; the sandbox may scale it down).
    GHL_RATE_LIMIT_INTERVAL_MS: envInt(10_000, { min: 10 }),
    // Requests per day ghl-bridge allows itself per location, under GHL's 200,000.
    GHL_RATE_LIMIT_DAILY: envInt(195_000, { min: 1 }),
    // Longest a single GHL call may take before it counts as a transient failure.
    GHL_REQUEST_TIMEOUT_MS: envInt(15_000, { min: 100 }),
    // Access tokens are refreshed this many seconds before they expire.
    GHL_TOKEN_REFRESH_MARGIN_SECONDS: envInt(300, { min: 0 }),
    // Refresh lock lifetime; above the slowest refresh, renewed while held.
    GHL_REFRESH_LOCK_TTL_MS: envInt(30_000, { min: 100 }),

    // How long a calendar or free-slots request waits for the worker's GHL read before a 504.
    DISCOVERY_TIMEOUT_MS: envInt(5000, { min: 100, max: 60_000 }),
    // How long calendar lists and free slots stay cached, in seconds.
    CALENDARS_CACHE_SECONDS: envInt(300, { min: 1 }),
    FREE_SLOTS_CACHE_SECONDS: envInt(30, { min: 1 }),
    // Reconciliation with GHL: how often, and the window of events it compares (days).
    RECONCILE_EVERY_MINUTES: envInt(15, { min: 1 }),
    RECONCILE_DAYS_BACK: envInt(1, { min: 0, max: 365 }),
    RECONCILE_DAYS_AHEAD: envInt(60, { min: 1, max: 365 }),
    // Processed and ignored webhook events are deleted after this many days (failed ones stay).
    WEBHOOK_RETENTION_DAYS: envInt(30, { min: 1 }),
    // Cita changes (the feed) and finished deliveries to RV3 are deleted after this many days;
    // a feed cursor from before the oldest kept change then gets 410.
    CHANGES_RETENTION_DAYS: envInt(30, { min: 1 }),
    // Bearer token (or basic-auth password, user "admin") for /admin: Bull Board, replay, metrics.
    // Unset: those routes answer 401. Not a staff key.
    ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    // Let Bull Board retry and clean jobs; read-only otherwise.
    BULL_BOARD_WRITE: envBoolean(false),

    // Port of the worker's own /metrics (behind ADMIN_TOKEN, on HOST); 0 turns it off.
    WORKER_METRICS_PORT: envInt(9464, { min: 0, max: 65535 }),
    // Jobs each worker process runs at once, per queue (the webhooks queue has its own).
    WORKER_CONCURRENCY: envInt(50, { min: 1, max: 1000 }),
    // Webhook jobs each worker process holds at once. They are applied in shared transactions
    // (group commit), so more of them at once means bigger batches, not more connections.
    WEBHOOK_CONCURRENCY: envInt(400, { min: 1, max: 2000 }),
    // Outbound webhooks to RV3. Longest one delivery attempt may take before it counts as failed.
    NOTIFICATION_TIMEOUT_MS: envInt(10_000, { min: 100, max: 60_000 }),
    // Waits between a delivery's attempts after the first (Svix's schedule: ~27.6 hours in all);
    // when they run out the delivery fails and can be replayed. Jittered by ±10%.
    NOTIFICATION_RETRY_SCHEDULE: envDurationList('5s,5m,30m,2h,5h,10h,10h'),
    // Deliveries each worker process sends at once, across endpoints. Each waits on the receiver;
    // their database work is batched, so more at once means bigger batches, not more connections.
    NOTIFICATION_CONCURRENCY: envInt(100, { min: 1, max: 1000 }),
    // How long a rotated-out endpoint secret keeps signing alongside the new one.
    NOTIFICATION_SECRET_OVERLAP_HOURS: envInt(24, { min: 0, max: 720 }),
    // The dispatcher wakes on every committed change (LISTEN); it also runs this often in case a
    // notification was missed, and then re-queues deliveries whose job went missing.
    NOTIFICATION_SWEEP_SECONDS: envInt(5, { min: 1, max: 3600 }),
    // Longest a process waits for in-flight work on SIGTERM before it exits anyway.
    SHUTDOWN_TIMEOUT_MS: envInt(10_000, { min: 100 }),
  })
  .superRefine((env, context) => {
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
      });
    }
    if (env.GHL_WEBHOOK_SECRET && !env.GHL_LOCATION_ID) {
      context.addIssue({
        code: 'custom',
        path: ['GHL_WEBHOOK_SECRET'],
        message:
          "is one location's workflow secret: set GHL_LOCATION_ID too, or create per-location secrets with `pnpm ghl-bridge workflow-secrets create`",
      });
    }
    if (env.NODE_ENV === 'production' && !env.TOKEN_ENCRYPTION_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['TOKEN_ENCRYPTION_KEY'],
        message: 'is required in production',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
