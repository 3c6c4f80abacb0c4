import { z } from 'zod';
import { SECURITY } from '../docs/openapi.js';
import { errorJson } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';
import type { FastifyPluginAsyncZod } from '../http/zod-app.js';

export interface HealthOptions {
  /** Each check resolves when its dependency answers; keyed by the name shown in /readyz. */
  checks: Record<string, () => Promise<unknown>>;
  timeoutMs?: number;
}

const checkResults = z
  .record(z.string(), z.enum(['ok', 'unavailable']))
  .describe('Each dependency (redis, postgres) and whether it answered');

/** `/healthz`: the process is alive. `/readyz`: it can do its job (Redis and Postgres answer). */
export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (
  app,
  { checks, timeoutMs = 1000 },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'checkLiveness',
        summary: 'The process is alive',
        tags: ['Health'],
        security: SECURITY.none,
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'checkReadiness',
        summary: 'Redis and PostgreSQL answer (503 naming those that do not)',
        tags: ['Health'],
        security: SECURITY.none,
        response: {
          200: z.object({ status: z.literal('ready'), checks: checkResults }),
          503: errorJson.extend({ checks: checkResults }),
        },
      },
    },
    async (request, reply) => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await withDeadline(check(), timeoutMs, name);
            return [name, 'ok'] as const;
          } catch (error) {
            request.log.warn({ err: error, dependency: name }, 'readiness check failed');
            return [name, 'unavailable'] as const;
          }
        }),
      );
      const results = Object.fromEntries(entries);
      const down = entries.filter(([, state]) => state !== 'ok').map(([name]) => name);
      if (down.length === 0) return { status: 'ready' as const, checks: results };
      return reply
        .code(503)
        .send({ error: 'not_ready', message: `Unavailable: ${down.join(', ')}`, checks: results });
    },
  );
};
