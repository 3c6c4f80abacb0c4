import type { FastifyPluginAsyncZod } from '../http/zod-app.js';
import { requireApiKey } from '../staff/api-key-auth.js';
import { keepReceivedBody } from '../staff/idempotency.js';
import { type CalendarRouteDeps, calendarRoutes } from './calendars/calendars.js';
import { changesRoute } from './changes/changes.js';
import { cancelCitaRoute } from './citas/cancel-cita.js';
import { createCitaRoute } from './citas/create-cita.js';
import { getCitaRoute } from './citas/get-cita.js';
import { listCitasRoute } from './citas/list-citas.js';
import { updateCitaRoute } from './citas/update-cita.js';
import { locationSettingsRoutes } from './locations/location-settings.js';

/** The staff API for RV3: every route here needs a Bearer API key scoped to the location. */
export const staffApiRoutes: FastifyPluginAsyncZod<CalendarRouteDeps> = async (app, deps) => {
  requireApiKey(app, deps.db);
  keepReceivedBody(app);
  // RV3 sends `Content-Type: application/json` on bodiless POSTs (cancel): an empty body is no
  // body here, not a 400. Anything else goes through Fastify's own (prototype-safe) JSON parser.
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return json(request, String(body), done);
  });
  // JSON only: a text/plain body is a 415 like any other media type, not a string the schemas
  // then call "expected object" (Fastify parses text/plain by default).
  app.removeContentTypeParser('text/plain');
  listCitasRoute(app, deps);
  getCitaRoute(app, deps);
  createCitaRoute(app, deps);
  updateCitaRoute(app, deps);
  cancelCitaRoute(app, deps);
  locationSettingsRoutes(app, deps);
  calendarRoutes(app, deps);
  changesRoute(app, deps);
};
