import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';
import { authorise } from './oauth.js';

/** Every scope ghl-bridge's app asks for: what an app registered in the marketplace would request. */
const APP_SCOPES =
  'calendars.readonly calendars.write calendars/events.readonly calendars/events.write contacts.readonly contacts.write oauth.readonly oauth.write';

const marketplaceInstall = z.object({
  redirectUri: z.string().url(),
  userType: z.enum(['Location', 'Company']).default('Location'),
  locationId: z.string().optional(),
  locationIds: z.array(z.string()).optional(),
  scope: z.string().default(APP_SCOPES),
});

/**
 * `/_sandbox/oauth/*`: installs a test starts itself. `marketplace-install` is an install
 * started on GHL's marketplace rather than from the app's install link: GHL sends the
 * installer to the app's redirect URI with `?code=` only, no `state`.
 */
export function oauthAdminRoutes(app: FastifyInstance, state: SandboxState): void {
  app.post('/_sandbox/oauth/marketplace-install', async (request) => {
    const body = parseOr422(marketplaceInstall, request.body ?? {});
    state.inspection.count('oauth.marketplaceInstall');
    const code = authorise(state, body);
    const redirectUrl = new URL(body.redirectUri);
    redirectUrl.searchParams.set('code', code);
    return { redirectUrl: redirectUrl.toString(), code };
  });
}
