import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ghlId } from '../domain/ids.js';
import type { TokenPair } from '../domain/tokens.js';
import type { Location, TokenGrant } from '../domain/types.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { SandboxState } from '../state.js';

const tokenBody = z.object({
  client_id: z.string(),
  client_secret: z.string(),
  grant_type: z.enum(['authorization_code', 'refresh_token', 'client_credentials']),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
  user_type: z.enum(['Company', 'Location']).optional(),
  redirect_uri: z.string().optional(),
});

const locationTokenBody = z.object({ companyId: z.string(), locationId: z.string() });

const chooseQuery = z.object({
  response_type: z.literal('code'),
  redirect_uri: z.string().url(),
  client_id: z.string(),
  scope: z.string().optional(),
  state: z.string().optional(),
  /** Sandbox extension: which seeded location the "user" picks (default: the first). */
  locationId: z.string().optional(),
  /** Sandbox extension: an agency admin installs (a Company token), as GHL's bulk install does. */
  user_type: z.enum(['Company', 'Location']).optional(),
  /** Sandbox extension, agency installs: the approved locations (comma list; default all of the company's). */
  locationIds: z.string().optional(),
});

const installedLocationsQuery = z.object({
  companyId: z.string().min(1),
  appId: z.string().min(1),
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(20),
  isInstalled: z.enum(['true', 'false']).optional(),
  locationId: z.string().optional(),
  query: z.string().optional(),
});

/** What the consent page (or GHL's marketplace) was asked to install. */
export interface InstallRequest {
  userType: 'Location' | 'Company';
  /** The location picked (Location installs) or whose company installs (default: the first seeded). */
  locationId?: string;
  /** Agency installs: the approved locations (default: every location of the company). */
  locationIds?: string[];
  scope: string;
  redirectUri: string;
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/**
 * The fields of GHL's token response (GetAccessCodeSuccessfulResponseDto). A Company token
 * names the company and its approved locations, a Location token its location.
 */
function tokenResponse(pair: TokenPair, state: SandboxState): Record<string, unknown> {
  const g = pair.grant;
  const company = g.userType === 'Company';
  const approved = company
    ? state.tokens.locationInstalls(g.companyId).map((i) => i.locationId)
    : [g.locationId];
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer',
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    scope: g.scope,
    userType: g.userType,
    ...(g.locationId && !company ? { locationId: g.locationId } : {}),
    companyId: g.companyId,
    approvedLocations: approved,
    userId: g.userId,
    planId: 'sandbox-plan',
    ...(company
      ? {
          isBulkInstallation: true,
          installToFutureLocations: false,
          approveAllLocations:
            approved.length ===
            [...state.store.locations.values()].filter((l) => l.companyId === g.companyId).length,
        }
      : { isBulkInstallation: false }),
    traceId: randomUUID(),
  };
}

/**
 * An installer approved the app: record the installs, send GHL's INSTALL webhooks (an agency
 * install sends one for the company and one per approved location; GHL may send them before
 * the installer is back on the redirect URI, its issue #294), and issue the code.
 */
export function authorise(state: SandboxState, install: InstallRequest): string {
  const { store, tokens } = state;
  const picked = install.locationId
    ? store.locations.get(install.locationId)
    : store.locations.values().next().value;
  if (!picked) throw ghlError(400, 'No location to install into: seed one first');
  const companyId = picked.companyId;
  const userOf = (location: Location) =>
    [...store.users.values()].find((u) => u.locationId === location.id)?.id;
  if (install.userType === 'Company') {
    const approved: Location[] = install.locationIds
      ? install.locationIds.map((id) => {
          const location = store.locations.get(id);
          if (!location || location.companyId !== companyId)
            throw ghlError(400, `Location ${id} is not in company ${companyId}`);
          return location;
        })
      : [...store.locations.values()].filter((l) => l.companyId === companyId);
    const userId = ghlId();
    tokens.recordInstall(companyId);
    store.emit({ type: 'INSTALL', companyId });
    for (const location of approved) {
      tokens.recordInstall(companyId, location.id);
      store.emit({ type: 'INSTALL', companyId, locationId: location.id, userId });
    }
    const grant: TokenGrant = { userType: 'Company', companyId, userId, scope: install.scope };
    return tokens.issueCode(grant, install.redirectUri);
  }
  const userId = userOf(picked) ?? ghlId();
  tokens.recordInstall(companyId, picked.id);
  store.emit({ type: 'INSTALL', companyId, locationId: picked.id, userId });
  const grant: TokenGrant = {
    userType: 'Location',
    companyId,
    locationId: picked.id,
    userId,
    scope: install.scope,
  };
  return tokens.issueCode(grant, install.redirectUri);
}

export function oauthRoutes(app: FastifyInstance, state: SandboxState): void {
  const { options, tokens, inspection } = state;

  app.post('/oauth/token', { config: { api: { auth: 'none', version: false } } }, async (request) => {
    if (!isForm(request)) throw ghlError(415, 'Content-Type must be application/x-www-form-urlencoded');
    const body = parseOr422(tokenBody, request.body);
    if (body.client_id !== options.clientId || body.client_secret !== options.clientSecret) {
      inspection.count('oauth.token.badClient');
      throw ghlError(401, 'Invalid client: client is invalid');
    }
    if (body.grant_type === 'refresh_token') {
      inspection.count('oauth.refresh');
      const pair = body.refresh_token ? tokens.rotate(body.refresh_token) : undefined;
      if (!pair) {
        inspection.count('oauth.refresh.rejected');
        throw ghlError(400, 'Invalid grant: refresh token is invalid');
      }
      return tokenResponse(pair, state);
    }
    if (body.grant_type === 'authorization_code') {
      inspection.count('oauth.authorizationCode');
      const pending = body.code ? tokens.redeemCode(body.code) : undefined;
      if (!pending) throw ghlError(400, 'Invalid grant: authorization code is invalid');
      if (body.redirect_uri && pending.redirectUri && body.redirect_uri !== pending.redirectUri) {
        throw ghlError(400, 'Invalid grant: redirect_uri does not match');
      }
      // Who installed decides the token type (the response's userType), whatever user_type says.
      return tokenResponse(tokens.mint(pending.grant), state);
    }
    throw ghlError(400, 'Unsupported grant type for this app');
  });

  // Agency-Access-Only, scope oauth.write (ROUTE_SCOPES): a location token from the company's.
  app.post(
    '/oauth/locationToken',
    { config: { api: { auth: 'Company', version: true } } },
    async (request) => {
      if (!isForm(request)) throw ghlError(415, 'Content-Type must be application/x-www-form-urlencoded');
      const body = parseOr422(locationTokenBody, request.body);
      inspection.count('oauth.locationToken');
      const grant = request.grant;
      const location = state.store.locations.get(body.locationId);
      if (
        !grant ||
        grant.companyId !== body.companyId ||
        !location ||
        location.companyId !== body.companyId ||
        !tokens.isInstalled(location.id)
      ) {
        throw ghlError(400, 'Location not found, not in this company, or the app is not installed there');
      }
      const pair = tokens.mint({ ...grant, userType: 'Location', locationId: location.id });
      return {
        access_token: pair.accessToken,
        token_type: 'Bearer',
        expires_in: pair.expiresIn,
        refresh_token: pair.refreshToken,
        scope: grant.scope,
        locationId: location.id,
        planId: 'sandbox-plan',
        userId: grant.userId,
        appId: options.appId,
        versionId: options.versionId,
        traceId: randomUUID(),
      };
    },
  );

  // Agency-Access-Only, scope oauth.readonly: where the app is installed under the company.
  app.get(
    '/oauth/installedLocations',
    { config: { api: { auth: 'Company', version: true } } },
    async (request) => {
      const q = parseOr422(installedLocationsQuery, request.query);
      inspection.count('oauth.installedLocations');
      if (request.grant?.companyId !== q.companyId)
        throw ghlError(403, 'The token does not have access to this company.');
      if (q.appId !== options.appId) throw ghlError(400, 'App not found');
      const all = [...state.store.locations.values()]
        .filter((l) => l.companyId === q.companyId)
        .filter((l) => !q.locationId || l.id === q.locationId)
        .filter((l) => !q.query || l.name.toLowerCase().includes(q.query.toLowerCase()))
        .map((l) => {
          const install = tokens.locationInstalls(q.companyId).find((i) => i.locationId === l.id);
          return {
            _id: l.id,
            name: l.name,
            address: '',
            isInstalled: install !== undefined,
            ...(install
              ? { versionId: options.versionId, installedAt: new Date(install.installedAt).toISOString() }
              : {}),
          };
        })
        .filter((l) => q.isInstalled === undefined || String(l.isInstalled) === q.isInstalled);
      return {
        locations: all.slice(q.skip, q.skip + q.limit),
        count: all.length,
        installToFutureLocations: false,
        traceId: randomUUID(),
      };
    },
  );

  // Stand-in for marketplace.gohighlevel.com's consent page: the "user" approves at once.
  const choose = async (request: FastifyRequest, reply: FastifyReply) => {
    const q = parseOr422(chooseQuery, request.query);
    if (q.client_id !== options.clientId) throw ghlError(400, 'Invalid client_id');
    inspection.count('oauth.chooselocation');
    const code = authorise(state, {
      userType: q.user_type ?? 'Location',
      locationId: q.locationId,
      locationIds: q.locationIds?.split(',').filter(Boolean),
      scope: q.scope ?? '',
      redirectUri: q.redirect_uri,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  };
  app.get('/oauth/chooselocation', choose);
  app.get('/v2/oauth/chooselocation', choose);
}
