import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../http/parse-with.js';
import { changeCita } from '../../staff/change-cita.js';
import { citaIdParams, citaJson, errorJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';

/**
 * `POST /api/ghl/citas/{id}/cancel/`: cancel a cita (GHL keeps it, as `cancelled`). Cancelling
 * twice is harmless: the second answers with the cita as it is and enqueues nothing.
 */
export const cancelCitaSchemas = {
  params: citaIdParams,
  response: { 202: citaJson, 400: errorJson, 401: errorJson, 403: errorJson, 404: errorJson, 409: errorJson },
};

export function cancelCitaRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.post('/api/ghl/citas/:id/cancel', async (request, reply) => {
    const { id } = parseWith(cancelCitaSchemas.params, request.params, 'path');
    const json = await changeCita(deps, request, id, (current) =>
      current.status === 'cancelled' ? 'unchanged' : { patch: { status: 'cancelled' } },
    );
    return reply.code(202).send(json);
  });
}
