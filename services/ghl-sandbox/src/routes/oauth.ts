import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ghlId } from '../domain/ids.js';
import type { TokenPair } from '../domain/tokens.js';
import type { TokenGrant } from '../domain/types.js';
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
  /** Sandbox extension: install at agency level instead. */
  user_type: z.enum(['Company', 'Location']).optional(),
});

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

function tokenResponse(pair: TokenPair, state: SandboxState): Record<string, unknown> {
  const g = pair.grant;
  const approved = g.locationId
    ? [g.locationId]
    : [...state.store.locations.values()].filter((l) => l.companyId === g.companyId).map((l) => l.id);
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer',
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    scope: g.scope,
    userType: g.userType,
    ...(g.locationId ? { locationId: g.locationId } : {}),
    companyId: g.companyId,
    approvedLocations: approved,
    userId: g.userId,
    planId: 'sandbox-plan',
    isBulkInstallation: false,
    traceId: randomUUID(),
  };
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
      return tokenResponse(tokens.mint(pending.grant), state);
    }
    throw ghlError(400, 'Unsupported grant type for this app');
  });

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
        location.companyId !== body.companyId
      ) {
        throw ghlError(400, 'Location not found or not accessible for this company');
      }
      const pair = tokens.mint({ ...grant, userType: 'Location', locationId: location.id });
      return {
        access_token: pair.accessToken,
        token_type: 'Bearer',
        expires_in: pair.expiresIn,
        refresh_token: pair.refreshToken,
        scope: grant.scope,
        userType: 'Location',
        companyId: grant.companyId,
        locationId: location.id,
        userId: grant.userId,
        planId: 'sandbox-plan',
        traceId: randomUUID(),
      };
    },
  );

  // Stand-in for marketplace.gohighlevel.com's consent page: the "user" approves at once.
  const choose = async (request: FastifyRequest, reply: FastifyReply) => {
    const q = parseOr422(chooseQuery, request.query);
    if (q.client_id !== options.clientId) throw ghlError(400, 'Invalid client_id');
    inspection.count('oauth.chooselocation');
    const location = q.locationId
      ? state.store.locations.get(q.locationId)
      : state.store.locations.values().next().value;
    if (!location) throw ghlError(400, 'No location to install into: seed one first');
    const userId = [...state.store.users.values()].find((u) => u.locationId === location.id)?.id ?? ghlId();
    const scope = q.scope ?? '';
    const grant: TokenGrant =
      q.user_type === 'Company'
        ? { userType: 'Company', companyId: location.companyId, userId, scope }
        : { userType: 'Location', companyId: location.companyId, locationId: location.id, userId, scope };
    const code = tokens.issueCode(grant, q.redirect_uri);
    state.store.emit({
      type: 'INSTALL',
      companyId: location.companyId,
      locationId: grant.locationId,
      userId,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  };
  app.get('/oauth/chooselocation', choose);
  app.get('/v2/oauth/chooselocation', choose);
}
