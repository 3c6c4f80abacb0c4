import { z } from 'zod';
import { replayWebhooksSchema } from '../admin/admin-routes.js';
import { endpointSchemas } from '../admin/endpoint-routes.js';
import { oauthCallbackSchemas } from '../oauth/oauth-routes.js';
import { freeSlotsSchemas, listCalendarsSchemas } from '../routes/calendars/calendars.js';
import { cancelCitaSchemas } from '../routes/citas/cancel-cita.js';
import { createCitaSchemas } from '../routes/citas/create-cita.js';
import { getCitaSchemas } from '../routes/citas/get-cita.js';
import { listCitasSchemas } from '../routes/citas/list-citas.js';
import { updateCitaSchemas } from '../routes/citas/update-cita.js';
import { locationSettingsSchemas } from '../routes/locations/location-settings.js';
import { errorJson } from '../staff/cita-json.js';

export interface RouteSchemas {
  params?: z.ZodType;
  querystring?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  response?: Record<number, z.ZodType>;
}

export interface DocumentedRoute {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path template, e.g. `/api/ghl/citas/{id}/`. */
  path: string;
  summary: string;
  tag: 'Citas' | 'Calendars' | 'Locations' | 'Webhooks' | 'Install' | 'Operations';
  auth: 'staff' | 'admin' | 'ghl-signature' | 'workflow-secret' | 'public';
  schemas: RouteSchemas;
}

const received = {
  200: z.object({ received: z.literal(true), jobId: z.string() }),
  400: errorJson,
  401: errorJson,
  413: errorJson,
  415: errorJson,
  429: errorJson,
};

/**
 * Every route a client or operator calls, with the zod schemas the handlers validate with:
 * the OpenAPI document is generated from these, so it cannot drift from what is enforced.
 */
export const documentedRoutes: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/api/ghl/citas/',
    summary: 'List citas',
    tag: 'Citas',
    auth: 'staff',
    schemas: listCitasSchemas,
  },
  {
    method: 'post',
    path: '/api/ghl/citas/',
    summary: 'Book a cita (synced to GHL by a worker)',
    tag: 'Citas',
    auth: 'staff',
    schemas: createCitaSchemas,
  },
  {
    method: 'get',
    path: '/api/ghl/citas/{id}/',
    summary: 'Get a cita',
    tag: 'Citas',
    auth: 'staff',
    schemas: getCitaSchemas,
  },
  {
    method: 'put',
    path: '/api/ghl/citas/{id}/',
    summary: 'Move or edit a cita',
    tag: 'Citas',
    auth: 'staff',
    schemas: updateCitaSchemas,
  },
  {
    method: 'post',
    path: '/api/ghl/citas/{id}/cancel/',
    summary: 'Cancel a cita',
    tag: 'Citas',
    auth: 'staff',
    schemas: cancelCitaSchemas,
  },
  {
    method: 'get',
    path: '/api/ghl/calendars/',
    summary: "A location's GHL calendars (cached)",
    tag: 'Calendars',
    auth: 'staff',
    schemas: listCalendarsSchemas,
  },
  {
    method: 'get',
    path: '/api/ghl/calendars/{id}/free-slots',
    summary: "A calendar's free slots (cached briefly)",
    tag: 'Calendars',
    auth: 'staff',
    schemas: freeSlotsSchemas,
  },
  {
    method: 'get',
    path: '/api/ghl/locations/{id}/settings',
    summary: "A location's booking rules",
    tag: 'Locations',
    auth: 'staff',
    schemas: { params: locationSettingsSchemas.params, response: locationSettingsSchemas.response },
  },
  {
    method: 'put',
    path: '/api/ghl/locations/{id}/settings',
    summary: "Change a location's booking rules",
    tag: 'Locations',
    auth: 'staff',
    schemas: locationSettingsSchemas,
  },
  {
    method: 'post',
    path: '/api/webhooks/ghl/',
    summary: 'GHL webhook receiver (Ed25519 X-GHL-Signature over the raw body)',
    tag: 'Webhooks',
    auth: 'ghl-signature',
    schemas: { body: z.record(z.string(), z.unknown()), response: received },
  },
  {
    method: 'post',
    path: '/api/webhooks/ghl/workflow',
    summary:
      "GHL workflow Custom Webhooks: a location's secret in X-GHL-Bridge-Secret; appointment and contact events of that location only",
    tag: 'Webhooks',
    auth: 'workflow-secret',
    schemas: {
      body: z.record(z.string(), z.unknown()),
      response: { ...received, 403: errorJson, 422: errorJson },
    },
  },
  {
    method: 'get',
    path: '/oauth/install',
    summary: "Redirect an installer to GHL's authorisation page",
    tag: 'Install',
    auth: 'public',
    schemas: { response: { 503: errorJson } },
  },
  {
    method: 'get',
    path: '/oauth/callback',
    summary: 'GHL returns the installer here with a code; a worker exchanges it and stores the tokens',
    tag: 'Install',
    auth: 'public',
    schemas: {
      querystring: oauthCallbackSchemas.querystring,
      response: {
        200: z.object({
          installed: z.literal(true),
          resource_id: z.string(),
          user_type: z.enum(['Location', 'Company']),
          locations: z.array(z.string()),
        }),
        202: z.object({ installed: z.literal(false), status: z.literal('in_progress'), message: z.string() }),
        400: errorJson,
        409: errorJson,
        429: errorJson,
        502: errorJson,
        503: errorJson,
        504: errorJson,
      },
    },
  },
  {
    method: 'post',
    path: '/admin/webhooks/replay',
    summary: 'Replay failed webhook events by id or since a time',
    tag: 'Operations',
    auth: 'admin',
    schemas: {
      body: replayWebhooksSchema,
      response: {
        200: z.object({ replayed: z.number().int(), ids: z.array(z.number().int()) }),
        400: errorJson,
        401: errorJson,
      },
    },
  },
  {
    method: 'get',
    path: '/admin/endpoints',
    summary: "List RV3's webhook endpoints, with their deliveries by state",
    tag: 'Operations',
    auth: 'admin',
    schemas: endpointSchemas.list,
  },
  {
    method: 'post',
    path: '/admin/endpoints',
    summary: 'Add an RV3 webhook endpoint (answers its signing secret, once)',
    tag: 'Operations',
    auth: 'admin',
    // The URL rule (not ghl-bridge itself) depends on HOST and PORT; the shape does not.
    schemas: endpointSchemas.add({ host: '127.0.0.1', port: 3000 }),
  },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/disable',
    summary: 'Disable an endpoint (what was waiting for it fails, replayable)',
    tag: 'Operations',
    auth: 'admin',
    schemas: endpointSchemas.change,
  },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/enable',
    summary: 'Enable a disabled endpoint again',
    tag: 'Operations',
    auth: 'admin',
    schemas: endpointSchemas.change,
  },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/rotate-secret',
    summary: 'New signing secret (answered once); the old one keeps signing for the overlap',
    tag: 'Operations',
    auth: 'admin',
    schemas: endpointSchemas.rotate,
  },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/replay',
    summary: 'Deliver again every matching change since a time, in order per cita',
    tag: 'Operations',
    auth: 'admin',
    schemas: endpointSchemas.replay,
  },
];
