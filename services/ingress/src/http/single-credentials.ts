import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

/**
 * Headers that carry a credential, a signature or a key. Node keeps only the first of two
 * Authorization headers and joins two signatures with a comma, so a request that sends one
 * twice means two things at once (a proxy may have checked the other one): it is refused.
 */
const ONCE = new Set([
  'authorization',
  'x-ghl-signature',
  'x-wh-signature',
  'x-ghl-bridge-secret',
  'idempotency-key',
]);

export function refuseRepeatedCredentials(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const raw = request.raw.rawHeaders;
    const seen = new Set<string>();
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]?.toLowerCase() ?? '';
      if (!ONCE.has(name)) continue;
      // Answered here, not thrown: Bull Board's routes have an error handler of their own.
      if (seen.has(name)) return sendError(reply, 400, 'repeated_header', `Send the ${name} header once`);
      seen.add(name);
    }
  });
}
