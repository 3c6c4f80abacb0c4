import type { GhlInstalls } from '@ghl-bridge/ghl';
import { enqueue, installJobId, isGhlRefusal, oauthCodeKey } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { openSecret } from '@ghl-bridge/secrets';
import { refusalAsAnswer } from '../ghl-reads/refusal-as-answer.js';
import type { Processor } from './types.js';

/** What exchanging an installer's code needs: where the sealed code waits, and the install functions. */
export interface OAuthExchangeDeps {
  redis: RedisClient;
  prefix: string;
  key: Buffer;
  installs: GhlInstalls;
  redirectUri?: string | undefined;
  /** The Marketplace app's id (from its client id), which /oauth/installedLocations asks for. */
  appId?: string | undefined;
}

/**
 * Exchanges the sealed code with GHL and stores the tokens. The code is deleted only once GHL
 * has answered for good: a 429 (a wait) or a 5xx (a retry) keeps it for the next try. GHL
 * refusing it (a bogus, expired or spent code) is the answer the installer sees, not a failure.
 * An agency install then gets one job listing its locations, each of which gets its own token.
 */
export const processGhlOauthExchange: Processor<'ghl.oauth-exchange'> = async ({ payload, deps, log }) => {
  const oauth = deps.oauthExchange;
  const key = oauthCodeKey(oauth.prefix, payload.pendingId);
  const sealed = await oauth.redis.get(key);
  if (!sealed)
    return {
      ghlRefusal: {
        status: 400,
        message: 'The authorisation code expired or was already used; install again',
      },
    };
  const code = openSecret(oauth.key, sealed, payload.pendingId);
  const installed = await refusalAsAnswer(() => oauth.installs.installFromCode(code, oauth.redirectUri));
  await oauth.redis.del(key);
  if (isGhlRefusal(installed)) {
    log.warn({ status: installed.ghlRefusal.status }, 'GHL refused the authorisation code');
    return installed;
  }
  const { resourceId, userType, approvedLocations } = installed;
  if (userType === 'Company')
    await enqueue(
      deps.queues,
      'ghl.install-company',
      { companyId: resourceId },
      { jobId: installJobId('install-company', resourceId) },
    );
  log.info({ resourceId, userType, locations: approvedLocations.length }, 'app installed through OAuth');
  return { installed: true, resourceId, userType, locations: approvedLocations };
};
