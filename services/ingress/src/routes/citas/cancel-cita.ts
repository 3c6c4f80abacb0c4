import { SECURITY } from '../../docs/openapi.js';
import { errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { changeCita } from '../../staff/change-cita.js';
import { citaIdParams, citaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';

/**
 * `POST /api/ghl/citas/{id}/cancel/`: cancel a cita (GHL keeps it, as `cancelled`). Cancelling
 * twice is harmless: the second answers with the cita as it is and enqueues nothing.
 */
export function cancelCitaRoute(app: ZodApp, deps: StaffDeps): void {
  app.post(
    '/api/ghl/citas/:id/cancel/',
    {
      schema: {
        operationId: 'cancelCita',
        summary: 'Cancel a cita',
        tags: ['Citas'],
        security: SECURITY.staff,
        params: citaIdParams,
        response: { 202: citaJson, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const json = await changeCita(deps, request, request.params.id, (current) =>
        current.status === 'cancelled' ? 'unchanged' : { patch: { status: 'cancelled' } },
      );
      return reply.code(202).send(json);
    },
  );
}
