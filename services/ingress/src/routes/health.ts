import type { FastifyPluginAsync } from 'fastify';
import { withDeadline } from '../http/with-deadline.js';

export interface HealthOptions {
  /** Each check resolves when its dependency answers; keyed by the name shown in /readyz. */
  checks: Record<string, () => Promise<unknown>>;
  timeoutMs?: number;
}

/** `/healthz`: the process is alive. `/readyz`: it can do its job (Redis and Postgres answer). */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { checks, timeoutMs = 1000 }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
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
    if (down.length === 0) return { status: 'ready', checks: results };
    return reply
      .code(503)
      .send({ error: 'not_ready', message: `Unavailable: ${down.join(', ')}`, checks: results });
  });
};
