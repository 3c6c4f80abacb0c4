import { randomUUID } from 'node:crypto';
import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { DiscoveryCache, Queues } from '@ghl-bridge/jobs';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import type { QueueEvents } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { adminRoutes } from './admin/admin-routes.js';
import { observeRequests, readQueueGauges } from './admin/observe.js';
import { docsRoutes } from './docs/docs-routes.js';
import { installErrorHandling } from './http/errors.js';
import { refuseRepeatedCredentials } from './http/single-credentials.js';
import { oauthRoutes } from './oauth/oauth-routes.js';
import { healthRoutes } from './routes/health.js';
import { staffApiRoutes } from './routes/staff-api.js';
import { ghlWebhookRoute } from './webhooks/ghl-webhook-route.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  queues: Queues;
  /** Staff API storage: citas, settings, API keys, outbox. */
  db: Db;
  /** GHL reads: answered from the cache, else asked of a worker over the `ghl-reads` queue. */
  discovery: { events: QueueEvents; cache: DiscoveryCache };
  /** The producer's Redis connection (fails fast while Redis is away), for OAuth codes in flight. */
  redis: Redis;
  /** Readiness probes: resolve when the dependency answers. */
  readiness: { redis: () => Promise<unknown>; postgres: () => Promise<unknown> };
  /** This process's Prometheus metrics, served at /metrics behind the admin token. */
  metrics: Metrics;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** Told of every route as it is registered (the fuzz suite checks each has a generator). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

/** The HTTP app, apart from the process: tests drive it with `inject`, main.ts listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, log, queues, db, readiness, discovery, metrics, redis, now = Date.now, onRoute } = deps;
  const ask = { queues, events: discovery.events, timeoutMs: config.discovery.timeoutMs };
  const app = Fastify({
    // pino's Logger and Fastify's logger type differ only in generics; they are the same object.
    loggerInstance: log as FastifyBaseLogger,
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's x-request-id is kept, so one id follows a request from RV3 through to the worker.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: config.webhooks.bodyLimitBytes,
    // A client that sends its headers or body slowly, or stops halfway, is answered 408 and cut
    // off instead of holding a socket open for ever (Fastify's default is no request timeout).
    requestTimeout: config.http.requestTimeoutMs,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      // Node checks these timeouts on this period (30 s by default): check often enough to honour them.
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
    },
  });
  // First of all, so it sees the routes of every plugin registered below.
  if (onRoute) app.addHook('onRoute', onRoute);
  installErrorHandling(app);
  refuseRepeatedCredentials(app);
  observeRequests(app, metrics);
  await app.register(healthRoutes, { checks: readiness });
  await app.register(docsRoutes);
  await app.register(ghlWebhookRoute, { webhooks: config.webhooks, queues, db, now, metrics });
  await app.register(adminRoutes, {
    db,
    queues,
    token: config.admin.token,
    bullBoardWrite: config.admin.bullBoardWrite,
    metrics: async () => {
      await readQueueGauges(metrics, queues);
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
  });
  await app.register(staffApiRoutes, {
    db,
    queues,
    enqueueTimeoutMs: config.staffApi.enqueueTimeoutMs,
    now,
    cache: discovery.cache,
    discovery: ask,
  });
  await app.register(oauthRoutes, {
    ghl: config.ghl,
    oauth: config.oauthFlow,
    redis,
    queuePrefix: config.redis.queuePrefix,
    discovery: ask,
    now,
  });
  return app;
}
