import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessToken, UserType } from '../domain/types.js';
import type { SandboxState } from '../state.js';
import { ghlError, invalidToken, reason } from './errors.js';

/** Per-route settings read by the guard (Fastify route `config`). */
export interface ApiRouteConfig {
  /** Which token type the route takes; 'none' skips bearer auth (POST /oauth/token). */
  auth: UserType | 'none';
  /** GHL's spec marks `Version` required everywhere except /oauth/token. */
  version: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    grant: AccessToken | null;
  }
  interface FastifyContextConfig {
    api?: ApiRouteConfig;
  }
}

/**
 * The scope each GHL endpoint requires, from the `security` of GHL's contracts
 * (shared/ghl-examples/api) and the Scopes page (ghl-api.md §1.5). Keyed by method and route
 * pattern, in one table, so the route files need not know about scopes. A token carries the
 * scopes asked for at install; calling without the endpoint's scope answers 401, as GHL does.
 * An authenticated route missing from this table is refused loudly: add it here.
 */
const ROUTE_SCOPES: Readonly<Record<string, string>> = {
  'GET /calendars/': 'calendars.readonly',
  'GET /calendars/:calendarId': 'calendars.readonly',
  'GET /calendars/:calendarId/free-slots': 'calendars.readonly',
  'POST /calendars/': 'calendars.write',
  'PUT /calendars/:calendarId': 'calendars.write',
  'DELETE /calendars/:calendarId': 'calendars.write',
  'GET /calendars/events': 'calendars/events.readonly',
  'GET /calendars/events/appointments/:eventId': 'calendars/events.readonly',
  'GET /calendars/blocked-slots': 'calendars/events.readonly',
  'GET /calendars/appointments/:appointmentId/notes': 'calendars/events.readonly',
  'POST /calendars/events/appointments': 'calendars/events.write',
  'PUT /calendars/events/appointments/:eventId': 'calendars/events.write',
  'DELETE /calendars/events/:eventId': 'calendars/events.write',
  'POST /calendars/events/block-slots': 'calendars/events.write',
  'PUT /calendars/events/block-slots/:eventId': 'calendars/events.write',
  'POST /calendars/appointments/:appointmentId/notes': 'calendars/events.write',
  'GET /contacts/:contactId': 'contacts.readonly',
  'GET /contacts/:contactId/appointments': 'contacts.readonly',
  'POST /contacts/search': 'contacts.readonly',
  'POST /contacts/upsert': 'contacts.write',
  'POST /contacts/': 'contacts.write',
  'PUT /contacts/:contactId': 'contacts.write',
  'DELETE /contacts/:contactId': 'contacts.write',
  'GET /oauth/installedLocations': 'oauth.readonly',
  'POST /oauth/locationToken': 'oauth.write',
};

/** GHL's answer to a token that lacks the endpoint's scope (seen in integrations' logs). */
const MISSING_SCOPE_MESSAGE = 'The token is not authorized for this scope.';

/** The scope a route needs, from the table; `undefined` when unknown. */
function requiredScope(method: string, route: string): string | undefined {
  return ROUTE_SCOPES[`${method} ${route}`] ?? ROUTE_SCOPES[`${method} ${route.replace(/\/+$/, '')}`];
}

/**
 * Runs before every GHL API route, in GHL-ish order: injected faults, Version header,
 * bearer token, scope, rate limit. Admin routes have no `api` config and skip all of it.
 */
export function apiGuard(state: SandboxState) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cfg = request.routeOptions.config.api;
    if (!cfg) return;
    if (!state.faults.empty) {
      const d = state.faults.decide(request.method, request.routeOptions.url ?? '');
      if (d.delayMs > 0) await sleep(d.delayMs);
      if (d.kind === 'reset') {
        state.inspection.count('faults.reset');
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      if (d.kind === 'error') {
        state.inspection.count('faults.error');
        throw ghlError(d.status, reason(d.status));
      }
    }
    if (cfg.version && request.headers.version === undefined) {
      throw ghlError(400, 'Version header was not found');
    }
    if (cfg.auth === 'none') return;
    const header = request.headers.authorization;
    const grant = header?.startsWith('Bearer ') ? state.tokens.verify(header.slice(7)) : undefined;
    if (!grant) throw invalidToken();
    if (grant.userType !== cfg.auth) {
      throw ghlError(
        401,
        'This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.',
      );
    }
    const route = request.routeOptions.url ?? '';
    const scope = requiredScope(request.method, route);
    if (!scope)
      throw ghlError(500, `sandbox: no scope known for ${request.method} ${route}; add it to ROUTE_SCOPES`);
    if (!grant.scope.split(/\s+/).includes(scope)) {
      state.inspection.count('scope.rejected');
      throw ghlError(401, MISSING_SCOPE_MESSAGE);
    }
    request.grant = grant;
    const limit = state.limiter.hit(`${state.options.appId}:${grant.locationId ?? grant.companyId}`);
    reply.headers(limit.headers);
    if (!limit.allowed) {
      state.inspection.count('rateLimit.rejected');
      throw ghlError(429, 'Too many requests');
    }
  };
}

/** Location tokens only reach their own location. */
export function assertLocation(request: FastifyRequest, locationId: string): void {
  if (request.grant?.locationId !== locationId) {
    throw ghlError(403, 'The token does not have access to this location.');
  }
}
