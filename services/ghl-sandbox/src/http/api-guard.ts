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
 * Runs before every GHL API route, in GHL-ish order: injected faults, Version header,
 * bearer token, rate limit. Admin routes have no `api` config and skip all of it.
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
