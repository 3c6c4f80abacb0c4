import { findNotificationEndpoint } from '@ghl-bridge/db';
import {
  addEndpoint,
  disableEndpoint,
  type EndpointAdminDeps,
  enableEndpoint,
  listEndpoints,
  newEndpointSchema,
  replayEndpoint,
  replaySinceSchema,
  rotateEndpointSecret,
  type SelfAddress,
  toEndpointJson,
} from '@ghl-bridge/notifications';
import type { Metrics } from '@ghl-bridge/observability';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { parseWith } from '../http/parse-with.js';
import { errorJson } from '../staff/cita-json.js';

export interface EndpointRouteOptions extends EndpointAdminDeps {
  /** Where this ingress listens: an endpoint there would deliver to ghl-bridge itself. */
  self: SelfAddress;
  metrics?: Metrics['notifications'] | undefined;
}

const endpointJson = z.object({
  id: z.uuid(),
  url: z.string(),
  locations: z.array(z.string()),
  // Empty: every kind.
  kinds: z.array(z.string()),
  // The first characters of the signing secret, to tell secrets apart.
  secret_hint: z.string(),
  // While set and in the future, deliveries carry a second signature with the previous secret.
  previous_secret_valid_until: z.string().nullable(),
  disabled_at: z.string().nullable(),
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
  deliveries: z
    .object({ pending: z.number(), queued: z.number(), delivered: z.number(), failed: z.number() })
    .optional(),
});
const withSecret = z.object({
  endpoint: endpointJson,
  // Shown once: the receiver verifies signatures with it (Standard Webhooks `whsec_…`).
  secret: z.string(),
});
const idParams = z.object({ id: z.uuid() });

/** Schemas of `/admin/endpoints…`; the OpenAPI document is built from them. */
export const endpointSchemas = {
  list: { response: { 200: z.object({ endpoints: z.array(endpointJson) }), 401: errorJson } },
  add: (self: SelfAddress) => ({
    body: newEndpointSchema(self),
    response: { 201: withSecret, 400: errorJson, 401: errorJson },
  }),
  change: {
    params: idParams,
    response: {
      200: z.object({ endpoint: endpointJson }),
      400: errorJson,
      401: errorJson,
      404: errorJson,
      409: errorJson,
    },
  },
  rotate: { params: idParams, response: { 200: withSecret, 400: errorJson, 401: errorJson, 404: errorJson } },
  replay: {
    params: idParams,
    body: replaySinceSchema,
    response: {
      200: z.object({ replayed: z.number().int() }),
      400: errorJson,
      401: errorJson,
      404: errorJson,
      409: errorJson,
    },
  },
};

const notFound = (id: string) => new ApiError(404, 'not_found', `No endpoint ${id}`);

/** RV3's webhook endpoints, for operators (registered inside the admin scope: ADMIN_TOKEN). */
export function endpointRoutes(app: FastifyInstance, options: EndpointRouteOptions): void {
  const { db } = options;
  const addBody = newEndpointSchema(options.self);
  const existing = async (params: unknown) => {
    const { id } = parseWith(idParams, params, 'path');
    const endpoint = await findNotificationEndpoint(db, id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  };

  app.get('/admin/endpoints', async () => ({ endpoints: await listEndpoints(db) }));

  app.post('/admin/endpoints', async (request, reply) => {
    const input = parseWith(addBody, request.body ?? {}, 'body');
    const created = await addEndpoint(options, input);
    request.log.info({ endpointId: created.endpoint.id }, 'notification endpoint added');
    return reply.code(201).send(created);
  });

  app.post('/admin/endpoints/:id/disable', async (request) => {
    const endpoint = await existing(request.params);
    if (!(await disableEndpoint(db, endpoint.id)))
      throw new ApiError(409, 'already_disabled', `Endpoint ${endpoint.id} is already disabled`);
    options.metrics?.endpointsDisabled.inc({ reason: 'operator' });
    return { endpoint: toEndpointJson((await findNotificationEndpoint(db, endpoint.id)) ?? endpoint) };
  });

  app.post('/admin/endpoints/:id/enable', async (request) => {
    const endpoint = await existing(request.params);
    if (!(await enableEndpoint(db, endpoint.id)))
      throw new ApiError(409, 'not_disabled', `Endpoint ${endpoint.id} is not disabled`);
    return { endpoint: toEndpointJson((await findNotificationEndpoint(db, endpoint.id)) ?? endpoint) };
  });

  app.post('/admin/endpoints/:id/rotate-secret', async (request) => {
    const endpoint = await existing(request.params);
    const rotated = await rotateEndpointSecret(options, endpoint.id);
    if (!rotated) throw notFound(endpoint.id);
    return rotated;
  });

  app.post('/admin/endpoints/:id/replay', async (request) => {
    const endpoint = await existing(request.params);
    const { since } = parseWith(replaySinceSchema, request.body ?? {}, 'body');
    const replay = await replayEndpoint(options, endpoint.id, new Date(since));
    if (replay.outcome === 'not_found') throw notFound(endpoint.id);
    if (replay.outcome === 'disabled')
      throw new ApiError(409, 'endpoint_disabled', `Endpoint ${endpoint.id} is disabled; enable it first`);
    return { replayed: replay.deliveries };
  });
}
