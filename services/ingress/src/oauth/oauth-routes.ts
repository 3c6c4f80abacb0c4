import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Config } from '@ghl-bridge/config';
import { enqueue, isGhlRefusal, oauthCodeKey, oauthExchangeJobId, sha256Hex } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { sealSecret } from '@ghl-bridge/secrets';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { SECURITY } from '../docs/openapi.js';
import { ApiError, errorResponses, sendError } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';
import type { FastifyPluginAsyncZod } from '../http/zod-app.js';
import { type Discovery, waitForJob } from '../staff/ask-worker.js';
import { InstallState } from './install-state.js';

export interface OAuthRouteOptions {
  ghl: Config['ghl'];
  oauth: Config['oauthFlow'];
  /** The producer connection: sealed codes, used-code marks and rate-limit counters live here. */
  redis: RedisClient;
  /** BullMQ key prefix (not `prefix`: Fastify reads that one as the routes' URL prefix). */
  queuePrefix: string;
  discovery: Discovery;
  now: () => number;
}

/** Ten minutes: GHL's codes are short-lived, and a code nobody exchanged should not linger. */
const CODE_TTL_SECONDS = 600;
/** A used code is remembered (by hash) well past any code's life. */
const USED_CODE_TTL_SECONDS = 24 * 3600;
/** The cookie holding the state's nonce: the install is finished by the browser that began it. */
const NONCE_COOKIE = 'ghlb_oauth_nonce';

// GHL's codes are opaque printable text; anything else (NUL, spaces, a megabyte) is not a code.
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII');

const installSchema = {
  operationId: 'startInstall',
  summary: "Redirect an installer to GHL's authorisation page",
  tags: ['Install'],
  security: SECURITY.none,
  response: {
    302: z
      .undefined()
      .describe("To GHL's authorisation page, with a signed state (and its nonce in a cookie)"),
    ...errorResponses(429, 503),
  },
};

const callbackSchema = {
  operationId: 'completeInstall',
  summary: 'GHL returns the installer here with a code; a worker exchanges it and stores the tokens',
  tags: ['Install'],
  security: SECURITY.none,
  querystring: z.object({
    code: printable(2048),
    // GHL's redirect carries only `code`; `state` comes back when the install began at /oauth/install.
    state: printable(512).optional(),
  }),
  response: {
    200: z.object({
      installed: z.literal(true),
      resource_id: z.string().describe('The location (or company) GHL installed the app for'),
      user_type: z.enum(['Location', 'Company']),
      locations: z.array(z.string()),
    }),
    202: z.object({ installed: z.literal(false), status: z.literal('in_progress'), message: z.string() }),
    ...errorResponses(400, 409, 429, 502, 503, 504),
  },
};

/**
 * The app install flow. `/oauth/install` sends the installer to GHL's authorisation page with a
 * signed, short-lived `state` (its nonce also in a cookie); GHL sends them back to
 * `/oauth/callback` with a code. An install started on GHL's marketplace comes back with no
 * state, and still works; a state that is there must be ours, fresh, and this browser's.
 * Ingress never calls GHL: it seals the code into Redis and a worker exchanges it, once.
 */
export const oauthRoutes: FastifyPluginAsyncZod<OAuthRouteOptions> = async (app, options) => {
  const { ghl, oauth, redis, queuePrefix, discovery, now } = options;
  const states = new InstallState(ghl.tokens.encryptionKey);
  const secureCookie = ghl.oauth.redirectUri?.startsWith('https:') ?? false;

  await app.register(fastifyCookie);
  // Counters in Redis, so the limit holds across every ingress process. Redis away: the
  // request goes on and meets the 503 of the code store instead of a rate-limit error.
  await app.register(fastifyRateLimit, {
    global: false,
    redis,
    nameSpace: `${queuePrefix}:rate-limit:`,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'too_many_requests', `Too many install attempts; try again in ${context.after}`),
  });
  const rateLimit = { max: oauth.callbackRateLimitPerMinute, timeWindow: 60_000 };

  app.get('/oauth/install', { config: { rateLimit }, schema: installSchema }, async (_request, reply) => {
    if (!ghl.clientId || !ghl.oauth.redirectUri) {
      return sendError(
        reply,
        503,
        'not_configured',
        'Set GHL_CLIENT_ID and GHL_OAUTH_REDIRECT_URI to install the app',
      );
    }
    const { state, nonce } = states.create(now(), oauth.stateTtlSeconds * 1000);
    reply.setCookie(NONCE_COOKIE, nonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookie,
      path: '/oauth',
      maxAge: oauth.stateTtlSeconds,
    });
    const target = new URL('/v2/oauth/chooselocation', ghl.oauth.marketplaceUrl);
    target.search = new URLSearchParams({
      response_type: 'code',
      redirect_uri: ghl.oauth.redirectUri,
      client_id: ghl.clientId,
      scope: ghl.oauth.scopes,
      state,
    }).toString();
    return reply.redirect(target.toString(), 302);
  });

  app.get('/oauth/callback', { config: { rateLimit }, schema: callbackSchema }, async (request, reply) => {
    const { query } = request;
    if (query.state !== undefined) {
      const verdict = states.verify(query.state, now());
      const cookie = request.cookies[NONCE_COOKIE];
      if (!verdict.ok || verdict.nonce !== cookie) {
        request.log.warn(
          { reason: verdict.ok ? 'not this browser' : verdict.reason },
          'install state refused',
        );
        throw new ApiError(
          400,
          'invalid_state',
          'This install link is not valid here or has expired; open the install link again',
        );
      }
      reply.clearCookie(NONCE_COOKIE, { path: '/oauth' });
    }

    // A code is exchanged at most once: the first callback claims it (by hash); a repeated
    // callback (a reload, a double click, a replay) gets the first one's answer instead.
    const usedKey = `${queuePrefix}:oauth-used:${sha256Hex(query.code)}`;
    const pendingId = randomUUID();
    const claimed = await redisStep(
      redis.set(usedKey, pendingId, 'EX', USED_CODE_TTL_SECONDS, 'NX'),
      discovery.timeoutMs,
    );
    if (claimed !== 'OK') {
      const first = await redisStep(redis.get(usedKey), discovery.timeoutMs);
      request.log.info('authorisation code seen before; answering with its exchange');
      return answer(reply, first ?? undefined);
    }
    const sealed = sealSecret(ghl.tokens.encryptionKey, query.code, pendingId);
    await redisStep(
      redis.set(oauthCodeKey(queuePrefix, pendingId), sealed, 'EX', CODE_TTL_SECONDS),
      discovery.timeoutMs,
    );
    await redisStep(
      enqueue(
        discovery.queues,
        'ghl.oauth-exchange',
        { pendingId, requestId: request.id },
        { jobId: oauthExchangeJobId(pendingId) },
      ),
      discovery.timeoutMs,
    );
    return answer(reply, pendingId);
  });

  /**
   * The exchange job of a claimed code. A twin callback (a double click) can get here before the
   * first has enqueued it; while the first's sealed code is still waiting, it looks again.
   */
  async function exchangeJob(pendingId: string) {
    // Real time, not the app's clock: this bounds a wait, it does not date anything.
    const deadline = Date.now() + discovery.timeoutMs;
    for (;;) {
      const job = await redisStep(
        discovery.queues['ghl-reads'].getJob(oauthExchangeJobId(pendingId)),
        discovery.timeoutMs,
      );
      if (job) return job;
      const inFlight = await redisStep(
        redis.exists(oauthCodeKey(queuePrefix, pendingId)),
        discovery.timeoutMs,
      );
      if (!inFlight || Date.now() > deadline) return undefined;
      await sleep(TWIN_POLL_MS);
    }
  }

  /**
   * The exchange's outcome: installed (200), GHL refused the code (400), still going after the
   * wait (202: a GHL 429 or 5xx is being retried; the callback can be reloaded for the result),
   * or GHL failed for good (502).
   */
  async function answer(reply: FastifyReply, pendingId: string | undefined) {
    const job = pendingId ? await exchangeJob(pendingId) : undefined;
    if (!job)
      throw new ApiError(409, 'code_already_used', 'This authorisation code was used already; install again');
    let result: unknown;
    try {
      result = await waitForJob(discovery, job);
    } catch (error) {
      if (!(error instanceof ApiError) || error.statusCode !== 504) throw error;
      return reply.code(202).send({
        installed: false,
        status: 'in_progress',
        message:
          'GHL is slow to confirm the install; it goes on, and this page shows the result when reloaded',
      });
    }
    if (isGhlRefusal(result))
      throw new ApiError(
        400,
        'invalid_code',
        `GHL refused the authorisation code: ${result.ghlRefusal.message}`,
      );
    const installed = result as { resourceId: string; userType: string; locations?: string[] };
    reply.log.info({ resourceId: installed.resourceId, userType: installed.userType }, 'app installed');
    return reply.code(200).send({
      installed: true,
      resource_id: installed.resourceId,
      user_type: installed.userType,
      locations: installed.locations ?? [],
    });
  }
};

/** Between a first callback claiming a code and enqueueing its job, a twin request looks a little while. */
const TWIN_POLL_MS = 50;

/** A Redis step of the callback: bounded, and a 503 (not a 5xx crash) when Redis is away. */
function redisStep<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return withDeadline(promise, timeoutMs, 'redis').catch(() => {
    throw new ApiError(
      503,
      'unavailable',
      'The install could not be recorded right now; open the install link again',
    );
  });
}
