import { type GhlInstalls, runGhlJob } from '@ghl-bridge/ghl';
import { oauthCodeKey } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { openSecret } from '@ghl-bridge/secrets';
import { UnrecoverableError } from 'bullmq';
import { type Processor, requireDep } from './types.js';

/** What exchanging an installer's code needs: where the sealed code waits, and the install functions. */
export interface OAuthExchangeDeps {
  redis: RedisClient;
  prefix: string;
  key: Buffer;
  installs: GhlInstalls;
  redirectUri?: string | undefined;
}

/** Takes the sealed code (once: GETDEL), exchanges it with GHL and stores the tokens. */
export const processGhlOauthExchange: Processor<'ghl.oauth-exchange'> = async ({
  payload,
  job,
  token,
  deps,
  log,
}) => {
  const oauth = requireDep(deps, 'oauthExchange', 'OAuth client');
  const sealed = await oauth.redis.getdel(oauthCodeKey(oauth.prefix, payload.pendingId));
  if (!sealed)
    throw new UnrecoverableError('the authorisation code expired or was already used; install again');
  const code = openSecret(oauth.key, sealed, payload.pendingId);
  const resourceId = await runGhlJob(job, token, () =>
    oauth.installs.installFromCode(code, payload.userType, oauth.redirectUri),
  );
  log.info({ resourceId, userType: payload.userType }, 'app installed through OAuth');
  return { resourceId, userType: payload.userType };
};
