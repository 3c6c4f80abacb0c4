import type { Queues } from '@ghl-bridge/jobs';
import type { Metrics } from '@ghl-bridge/observability';
import type { FastifyInstance } from 'fastify';

/** Request latency per route pattern (not per URL, which would explode the label set). */
export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.http.duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

/** Queue depth and the oldest waiting job's age, read from Redis when Prometheus scrapes. */
export async function readQueueGauges(metrics: Metrics, queues: Queues, now = Date.now()): Promise<void> {
  await Promise.all(
    Object.entries(queues).map(async ([name, queue]) => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      for (const [state, count] of Object.entries(counts))
        metrics.queues.depth.set({ queue: name, state }, count);
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      metrics.queues.oldestWaitingSeconds.set({ queue: name }, oldest ? (now - oldest.timestamp) / 1000 : 0);
    }),
  );
}
