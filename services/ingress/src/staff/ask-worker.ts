import { setTimeout as sleep } from 'node:timers/promises';
import {
  DiscoveryCache,
  enqueue,
  type GhlRefusal,
  ghlCalendars,
  isGhlRefusal,
  type JobInput,
  type JobName,
  type Queues,
} from '@ghl-bridge/jobs';
import type { Logger } from '@ghl-bridge/observability';
import { createRedis, queuePrefix, type RedisClient, type RedisSettings } from '@ghl-bridge/redis';
import { type Job, QueueEvents } from 'bullmq';
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
export async function askWorker<Name extends 'ghl.calendars' | 'ghl.free-slots'>(
  discovery: Discovery,
  name: Name & JobName,
  payload: JobInput<Name>,
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
  const result = await waitForJob(discovery, job);
  if (isGhlRefusal(result)) throw refusalError(result);
  return result;
}

/**
 * The job's answer, waiting at most the discovery timeout: 504 after that (the job carries on),
 * 502 when the job failed (its failure names the GHL error kind and GHL's message, never a token).
 */
export async function waitForJob(discovery: Discovery, job: Job): Promise<unknown> {
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
    throw new ApiError(502, 'ghl_error', `GHL could not answer: ${message}`);
  }
}

/**
 * GHL refused what the person asked for: a 4xx with GHL's message. A 403 from GHL means the
 * thing is not in this location (for the person: not found); a 401 means our own credentials,
 * so only that one is GHL's side failing (502).
 */
function refusalError({ ghlRefusal }: GhlRefusal): ApiError {
  const { status, message } = ghlRefusal;
  if (status === 0) return new ApiError(409, 'ghl_not_connected', message);
  if (status === 404 || status === 403 || (status < 500 && /not found/i.test(message)))
    return new ApiError(404, 'not_found', `GHL: ${message}`);
  if (status === 400 || status === 409 || status === 422)
    return new ApiError(status, 'ghl_refused', `GHL: ${message}`);
  return new ApiError(502, 'ghl_error', `GHL could not answer: ${status} ${message}`);
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
