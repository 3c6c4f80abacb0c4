import { findCitaById, getLocationSettings } from '@ghl-bridge/db';
import { SECURITY } from '../../docs/openapi.js';
import { ApiError, errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation } from '../../staff/api-key-auth.js';
import { citaIdParams, citaJson, toCitaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';

/** `GET /api/ghl/citas/{id}/`: one cita, tombstoned ones included (with `deleted_at`). */
export function getCitaRoute(app: ZodApp, deps: StaffDeps): void {
  app.get(
    '/api/ghl/citas/:id/',
    {
      schema: {
        operationId: 'getCita',
        summary: 'Get a cita',
        tags: ['Citas'],
        security: SECURITY.staff,
        params: citaIdParams,
        response: { 200: citaJson, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const cita = await findCitaById(deps.db, id);
      if (!cita) throw new ApiError(404, 'not_found', `No cita ${id}`);
      requireLocation(request, cita.locationId);
      return toCitaJson(cita, await getLocationSettings(deps.db, cita.locationId));
    },
  );
}
