import { findCitaById, getLocationSettings } from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { requireLocation } from '../../staff/api-key-auth.js';
import { citaIdParams, citaJson, errorJson, toCitaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';

/** `GET /api/ghl/citas/{id}/`: one cita, tombstoned ones included (with `deleted_at`). */
export const getCitaSchemas = {
  params: citaIdParams,
  response: { 200: citaJson, 400: errorJson, 401: errorJson, 403: errorJson, 404: errorJson },
};

export function getCitaRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.get('/api/ghl/citas/:id', async (request) => {
    const { id } = parseWith(getCitaSchemas.params, request.params, 'path');
    const cita = await findCitaById(deps.db, id);
    if (!cita) throw new ApiError(404, 'not_found', `No cita ${id}`);
    requireLocation(request, cita.locationId);
    return toCitaJson(cita, await getLocationSettings(deps.db, cita.locationId));
  });
}
