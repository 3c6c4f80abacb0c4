import { randomUUID } from 'node:crypto';
import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { DiscoveryCache, Queues } from '@ghl-bridge/jobs';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import type { RedisClient } from '@ghl-bridge/redis';
import type { QueueEvents } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { adminRoutes } from './admin/admin-routes.js';
import { observeRequests, readQueueGauges } from './admin/observe.js';
import { registerDocsPage, registerOpenApi } from './docs/openapi.js';
import { installErrorHandling, sendError } from './http/errors.js';
import { refuseRepeatedCredentials } from './http/single-credentials.js';
import { useZodSchemas } from './http/zod-app.js';
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
  redis: RedisClient;
  /** Readiness probes: resolve when the dependency answers. */
  readiness: { redis: () => Promise<unknown>; postgres: () => Promise<unknown> };
  /** This process's Prometheus metrics, served at /metrics behind the admin token. */
  metrics: Metrics;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
  /** Sees every route as it is registered (the docs test derives what the document must hold). */
  onRoute?: ((route: RouteOptions) => void) | undefined;
}

/** The HTTP app, apart from the process: tests drive it with `inject`, main.ts listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, log, queues, db, readiness, discovery, metrics, redis, now } = deps;
  const ask = { queues, events: discovery.events, timeoutMs: config.discovery.timeoutMs };
  const app = Fastify({
    // pino's Logger and Fastify's logger type differ only in generics; they are the same object.
    loggerInstance: log as FastifyBaseLogger,
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's x-request-id is kept, so one id follows a request from RV3 through to the worker.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // The router's own refusals (a malformed URL, a path segment longer than any id), in the
    // error shape of every other answer, and without the path echoed back.
    frameworkErrors: (error, _request, reply) =>
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? sendError(reply, 414, 'uri_too_long', 'A path segment is longer than any id ghl-bridge issues')
        : sendError(reply, 400, 'bad_url', 'The URL is not valid'),
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
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  installErrorHandling(app);
  refuseRepeatedCredentials(app);
  useZodSchemas(app);
  observeRequests(app, metrics);
  // Before any route: @fastify/swagger documents the routes registered after it.
  await registerOpenApi(app);
  await app.register(healthRoutes, { checks: readiness });
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
    endpoints: {
      key: config.ghl.tokens.encryptionKey,
      secretOverlapMs: config.notifications.secretOverlapMs,
      self: config.http,
      metrics: metrics.notifications,
      now,
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
  await registerDocsPage(app);
  return app;
}
