import { randomUUID } from 'node:crypto';
import type { Config } from '@ghl-bridge/config';
import { oauthCodeKey } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { sealSecret } from '@ghl-bridge/secrets';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ApiError, sendError } from '../http/errors.js';
import { parseWith } from '../http/parse-with.js';
import { withDeadline } from '../http/with-deadline.js';
import { askWorker, type Discovery } from '../staff/ask-worker.js';

export interface OAuthRouteOptions {
  ghl: Config['ghl'];
  /** The producer connection: the sealed code waits here for the worker. */
  redis: RedisClient;
  /** BullMQ key prefix (not `prefix`: Fastify reads that one as the routes' URL prefix). */
  queuePrefix: string;
  discovery: Discovery;
  now: () => number;
}

/** Ten minutes: GHL's codes are short-lived, and a code nobody exchanged should not linger. */
const CODE_TTL_SECONDS = 600;

export const oauthCallbackSchemas = {
  querystring: z.object({
    code: z.string().min(1).max(2048),
    // Agency installs come back as Company; the default is a sub-account (Location) install.
    user_type: z.enum(['Location', 'Company']).default('Location'),
  }),
};

/**
 * The app install flow: `/oauth/install` sends the installer to GHL's authorisation page, and
 * GHL sends them back to `/oauth/callback` with a code. Ingress never calls GHL: it seals the
 * code into Redis and asks a worker to exchange it, waiting a bounded time for the result.
 */
export const oauthRoutes: FastifyPluginAsync<OAuthRouteOptions> = async (app, options) => {
  const { ghl, redis, queuePrefix, discovery, now } = options;

  app.get('/oauth/install', async (_request, reply) => {
    if (!ghl.clientId || !ghl.oauth.redirectUri) {
      return sendError(
        reply,
        503,
        'not_configured',
        'Set GHL_CLIENT_ID and GHL_OAUTH_REDIRECT_URI to install the app',
      );
    }
    const target = new URL('/v2/oauth/chooselocation', ghl.oauth.marketplaceUrl);
    target.search = new URLSearchParams({
      response_type: 'code',
      redirect_uri: ghl.oauth.redirectUri,
      client_id: ghl.clientId,
      scope: ghl.oauth.scopes,
    }).toString();
    return reply.redirect(target.toString(), 302);
  });

  app.get('/oauth/callback', async (request) => {
    const query = parseWith(oauthCallbackSchemas.querystring, request.query, 'query');
    const pendingId = randomUUID();
    const sealed = sealSecret(ghl.tokens.encryptionKey, query.code, pendingId);
    await withDeadline(
      redis.set(oauthCodeKey(queuePrefix, pendingId), sealed, 'EX', CODE_TTL_SECONDS),
      discovery.timeoutMs,
      'store code',
    ).catch(() => {
      throw new ApiError(
        503,
        'unavailable',
        'The install could not be recorded right now; open the install link again',
      );
    });
    const result = (await askWorker(
      discovery,
      'ghl.oauth-exchange',
      { pendingId, userType: query.user_type, requestId: request.id },
      pendingId,
      now(),
    )) as { resourceId: string; userType: string };
    request.log.info({ resourceId: result.resourceId }, 'app installed');
    return { installed: true, resource_id: result.resourceId, user_type: result.userType };
  });
};
