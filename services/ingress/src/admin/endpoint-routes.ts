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
} from '@ghl-bridge/notifications';
import type { Metrics } from '@ghl-bridge/observability';
import { z } from 'zod';
import { SECURITY } from '../docs/openapi.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { ZodApp } from '../http/zod-app.js';

export interface EndpointRouteOptions extends EndpointAdminDeps {
  /** Where this ingress listens: an endpoint there would deliver to ghl-bridge itself. */
  self: SelfAddress;
  metrics?: Metrics['notifications'] | undefined;
}

const endpointJson = z
  .object({
    id: z.uuid(),
    url: z.string(),
    locations: z.array(z.string()),
    kinds: z.array(z.string()).describe('Change kinds delivered; empty: every kind'),
    secret_hint: z.string().describe('The first characters of the signing secret, to tell secrets apart'),
    previous_secret_valid_until: z
      .string()
      .nullable()
      .describe('While in the future, deliveries carry a second signature with the previous secret'),
    disabled_at: z.string().nullable(),
    disabled_reason: z.string().nullable(),
    created_at: z.string(),
    deliveries: z
      .object({ pending: z.number(), queued: z.number(), delivered: z.number(), failed: z.number() })
      .optional(),
  })
  .meta({ id: 'Endpoint', description: 'An RV3 endpoint ghl-bridge delivers cita changes to' });
const withSecret = z
  .object({
    endpoint: endpointJson,
    secret: z.string().describe('Shown once: the receiver verifies signatures with it (`whsec_…`)'),
  })
  .meta({ id: 'EndpointWithSecret' });
const idParams = z.object({ id: z.uuid() });
const oneEndpoint = z.object({ endpoint: endpointJson });

const notFound = (id: string) => new ApiError(404, 'not_found', `No endpoint ${id}`);
const doc = (operationId: string, summary: string) => ({
  operationId,
  summary,
  tags: ['Operations'],
  security: SECURITY.admin,
});

/** RV3's webhook endpoints, for operators (registered inside the admin scope: ADMIN_TOKEN). */
export function endpointRoutes(app: ZodApp, options: EndpointRouteOptions): void {
  const { db } = options;
  const existing = async (id: string) => {
    const endpoint = await findNotificationEndpoint(db, id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  };

  app.get(
    '/admin/endpoints',
    {
      schema: {
        ...doc('listEndpoints', "RV3's webhook endpoints, with their delivery counts"),
        response: { 200: z.object({ endpoints: z.array(endpointJson) }), ...errorResponses(401) },
      },
    },
    async () => ({ endpoints: await listEndpoints(db) }),
  );

  app.post(
    '/admin/endpoints',
    {
      schema: {
        ...doc('createEndpoint', 'Add an endpoint (its signing secret is shown once)'),
        body: newEndpointSchema(options.self),
        response: { 201: withSecret, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const created = await addEndpoint(options, request.body);
      request.log.info({ endpointId: created.endpoint.id }, 'notification endpoint added');
      return reply.code(201).send(created);
    },
  );

  app.post(
    '/admin/endpoints/:id/disable',
    {
      schema: {
        ...doc('disableEndpoint', 'Stop delivering to an endpoint'),
        params: idParams,
        response: { 200: oneEndpoint, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const toggle = await disableEndpoint(db, id);
      if (toggle.outcome === 'not_found') throw notFound(id);
      if (toggle.outcome === 'unchanged')
        throw new ApiError(409, 'already_disabled', `Endpoint ${id} is already disabled`);
      options.metrics?.endpointsDisabled.inc({ reason: 'operator' });
      return { endpoint: toggle.endpoint };
    },
  );

  app.post(
    '/admin/endpoints/:id/enable',
    {
      schema: {
        ...doc('enableEndpoint', 'Deliver to a disabled endpoint again'),
        params: idParams,
        response: { 200: oneEndpoint, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const toggle = await enableEndpoint(db, id);
      if (toggle.outcome === 'not_found') throw notFound(id);
      if (toggle.outcome === 'unchanged')
        throw new ApiError(409, 'not_disabled', `Endpoint ${id} is not disabled`);
      return { endpoint: toggle.endpoint };
    },
  );

  app.post(
    '/admin/endpoints/:id/rotate-secret',
    {
      schema: {
        ...doc('rotateEndpointSecret', 'A new signing secret; the old one keeps signing for the overlap'),
        params: idParams,
        response: { 200: withSecret, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const endpoint = await existing(request.params.id);
      const rotated = await rotateEndpointSecret(options, endpoint.id);
      if (!rotated) throw notFound(endpoint.id);
      return rotated;
    },
  );

  app.post(
    '/admin/endpoints/:id/replay',
    {
      schema: {
        ...doc('replayEndpoint', 'Deliver again every change since a time'),
        params: idParams,
        body: replaySinceSchema,
        response: {
          200: z.object({ replayed: z.number().int() }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request) => {
      const endpoint = await existing(request.params.id);
      const replay = await replayEndpoint(options, endpoint.id, new Date(request.body.since));
      if (replay.outcome === 'not_found') throw notFound(endpoint.id);
      if (replay.outcome === 'disabled')
        throw new ApiError(409, 'endpoint_disabled', `Endpoint ${endpoint.id} is disabled; enable it first`);
      return { replayed: replay.deliveries };
    },
  );
}
