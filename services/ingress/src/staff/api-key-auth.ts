import { type ApiKey, type Db, findApiKeyBySecret } from '@ghl-bridge/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff API key that authenticated this request (staff routes only). */
    staffKey: ApiKey | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Every route registered in `app` after this needs `Authorization: Bearer <key>` (401 otherwise). */
export function requireApiKey(app: FastifyInstance, db: Db): void {
  app.decorateRequest('staffKey', null);
  app.addHook('onRequest', async (request, reply) => {
    const secret = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!secret) {
      reply.header('www-authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'Send an API key as Authorization: Bearer <key>');
    }
    const key = await findApiKeyBySecret(db, secret);
    if (!key) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'unauthorized', 'Unknown or revoked API key');
    }
    request.staffKey = key;
    request.log = request.log.child({ apiKeyId: key.id });
  });
}

export function staffKey(request: FastifyRequest): ApiKey {
  if (!request.staffKey) throw new Error('staff route registered without requireApiKey');
  return request.staffKey;
}

/** 403 unless the request's key may act on this location. */
export function requireLocation(request: FastifyRequest, locationId: string): void {
  if (!staffKey(request).locationIds.includes(locationId))
    throw new ApiError(403, 'forbidden', `This API key may not act on location ${locationId}`);
}
