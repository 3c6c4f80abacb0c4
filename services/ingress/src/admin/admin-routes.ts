import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Db } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import type { FastifyPluginAsync } from 'fastify';
import { parseWith } from '../http/parse-with.js';
import { requireAdmin } from './admin-auth.js';
import { reshapeBoardErrors } from './board-errors.js';
import { replayFailedWebhooks, replayRequestSchema, toReplaySelector } from './replay-webhooks.js';

export interface AdminRouteOptions {
  db: Db;
  queues: Queues;
  token: string | undefined;
  /** Retry and clean actions in Bull Board; read-only otherwise. */
  bullBoardWrite: boolean;
  /** Prometheus text of this process's registry. */
  metrics: () => Promise<{ contentType: string; body: string }>;
}

export { replayRequestSchema as replayWebhooksSchema };

/** Everything operators use, behind the admin token: Bull Board, webhook replay, /metrics. */
export const adminRoutes: FastifyPluginAsync<AdminRouteOptions> = async (app, options) => {
  requireAdmin(app, options.token);

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

  app.post('/admin/webhooks/replay', async (request) => {
    const selector = toReplaySelector(parseWith(replayRequestSchema, request.body ?? {}, 'body'));
    const replayed = await replayFailedWebhooks(options.db, options.queues, selector);
    request.log.info({ replayed: replayed.length }, 'failed webhooks replayed');
    return { replayed: replayed.length, ids: replayed };
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await options.metrics();
    return reply.type(contentType).send(body);
  });
};
