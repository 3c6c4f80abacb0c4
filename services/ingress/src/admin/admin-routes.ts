import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Db } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import { z } from 'zod';
import { SECURITY } from '../docs/openapi.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { FastifyPluginAsyncZod } from '../http/zod-app.js';
import { requireAdmin } from './admin-auth.js';
import { reshapeBoardErrors } from './board-errors.js';
import { type EndpointRouteOptions, endpointRoutes } from './endpoint-routes.js';
import {
  replayFailedWebhooks,
  replayRequestSchema,
  toReplaySelector,
  whyNotReplayed,
} from './replay-webhooks.js';

export interface AdminRouteOptions {
  db: Db;
  queues: Queues;
  token: string | undefined;
  /** Retry and clean actions in Bull Board; read-only otherwise. */
  bullBoardWrite: boolean;
  /** Prometheus text of this process's registry. */
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** RV3's webhook endpoints (/admin/endpoints). */
  endpoints: Omit<EndpointRouteOptions, 'db' | 'queues'>;
}

/** Everything operators use, behind the admin token: Bull Board, webhook replay, /metrics. */
export const adminRoutes: FastifyPluginAsyncZod<AdminRouteOptions> = async (app, options) => {
  requireAdmin(app, options.token);

  // Bull Board's own routes (marked hidden: they are its UI, not this API).
  const board = new FastifyAdapter();
  createBullBoard({
    queues: Object.values(options.queues).map(
      (queue) => new BullMQAdapter(queue, { readOnlyMode: !options.bullBoardWrite }),
    ),
    serverAdapter: board,
  });
  board.setBasePath('/admin/queues');
  await app.register(
    async (scope) => {
      reshapeBoardErrors(scope);
      await scope.register(board.registerPlugin());
    },
    { prefix: '/admin/queues' },
  );

  app.post(
    '/admin/webhooks/replay',
    {
      schema: {
        operationId: 'replayWebhooks',
        summary: 'Replay failed webhook events by id or since a time',
        tags: ['Operations'],
        security: SECURITY.admin,
        body: replayRequestSchema,
        response: {
          200: z.object({
            replayed: z.number().int().describe('How many events were put back on the queue'),
            ids: z.array(z.number().int()),
          }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request) => {
      const selector = toReplaySelector(request.body);
      const replayed = await replayFailedWebhooks(options.db, options.queues, selector);
      if ('id' in selector && replayed.length === 0) {
        const why = await whyNotReplayed(options.db, selector.id);
        throw new ApiError(why.status, why.status === 404 ? 'not_found' : 'not_failed', why.message);
      }
      request.log.info({ replayed: replayed.length }, 'failed webhooks replayed');
      return { replayed: replayed.length, ids: replayed };
    },
  );

  endpointRoutes(app, { ...options.endpoints, db: options.db, queues: options.queues });

  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        summary: "This ingress process's Prometheus metrics",
        tags: ['Operations'],
        security: SECURITY.admin,
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...errorResponses(401),
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await options.metrics();
      return reply.type(contentType).send(body);
    },
  );
};
