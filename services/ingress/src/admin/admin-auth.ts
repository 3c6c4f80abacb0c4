import { hasAdminToken } from '@ghl-bridge/observability';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/errors.js';

/**
 * Operators' access (Bull Board, replay, /metrics) needs the admin token; staff API keys never
 * open these routes. With no ADMIN_TOKEN configured, everything here answers 401.
 */
export function requireAdmin(app: FastifyInstance, token: string | undefined): void {
  app.addHook('onRequest', async (request, reply) => {
    if (hasAdminToken(request.headers.authorization, token)) return;
    reply.header('www-authenticate', 'Basic realm="ghl-bridge admin", charset="UTF-8"');
    // Answered here rather than thrown: Bull Board's routes have an error handler of their own.
    const message = token ? 'Admin credentials required' : 'Admin access is not configured (set ADMIN_TOKEN)';
    return sendError(reply, 401, 'unauthorized', message);
  });
}
