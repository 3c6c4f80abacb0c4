import { setTimeout as sleep } from 'node:timers/promises';
import {
  DiscoveryCache,
  enqueue,
  ghlCalendars,
  type JobName,
  type JobPayload,
  type Queues,
} from '@ghl-bridge/jobs';
import type { Logger } from '@ghl-bridge/observability';
import { createRedis, queuePrefix, type RedisClient, type RedisSettings } from '@ghl-bridge/redis';
import { QueueEvents } from 'bullmq';
import { ApiError } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';

export interface Discovery {
  queues: Queues;
  /** Completion events of the `ghl-reads` queue, shared by every request of this process. */
  events: QueueEvents;
  timeoutMs: number;
}

/**
 * Request and reply over the queue: ingress never calls GHL, so it asks a worker and waits a
 * bounded time. Requests for the same thing within a few seconds share one job (and one GHL
 * call); a late answer still lands in the cache for the next request.
 */
export async function askWorker<Name extends 'ghl.calendars' | 'ghl.free-slots' | 'ghl.oauth-exchange'>(
  discovery: Discovery,
  name: Name & JobName,
  payload: JobPayload<Name>,
  dedupKey: string,
  now: number,
): Promise<unknown> {
  const jobId = `${name.replace('.', '-')}-${dedupKey}-${Math.floor(now / 5000)}`.replaceAll(':', '_');
  const job = await withDeadline(
    enqueue(discovery.queues, name, payload, { jobId }),
    discovery.timeoutMs,
    'enqueue',
  ).catch(() => {
    throw new ApiError(503, 'unavailable', 'The job queue is unavailable right now; try again shortly');
  });
  try {
    return await job.waitUntilFinished(discovery.events, discovery.timeoutMs);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/timed out/i.test(message)) {
      throw new ApiError(
        504,
        'timeout',
        'GHL did not answer in time; try again shortly (the answer will be cached)',
      );
    }
    // The worker's failure names the GHL error kind and GHL's own message, never a token.
    throw new ApiError(502, 'ghl_error', `GHL could not answer: ${message}`);
  }
}

/**
 * The reply side of discovery for one ingress process: a QueueEvents reader on its own
 * blocking connection, and the cache the worker fills.
 */
export function createDiscovery(
  redis: RedisSettings,
  producer: RedisClient,
  prefix: string,
  ttl: { calendarsSeconds: number; freeSlotsSeconds: number },
  log: Logger,
) {
  const connection = createRedis(redis, 'worker');
  connection.on('error', (error) => log.warn({ err: error }, 'redis (queue events) connection error'));
  const events = new QueueEvents(ghlCalendars.queue, {
    connection,
    prefix: queuePrefix(prefix, ghlCalendars.queue),
  });
  events.on('error', (error) => log.warn({ err: error }, 'queue events error'));
  return {
    events,
    cache: new DiscoveryCache(producer, prefix, ttl),
    async close() {
      // A reader that never reached Redis would wait for it forever on close: bound the wait.
      await Promise.race([events.close(), sleep(1000)]);
      connection.disconnect();
    },
  };
}
