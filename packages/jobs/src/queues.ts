import { type Job, type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from './define-job.js';
import { reconcileDedupId } from './definitions/maintenance.js';
import { type JobInput, type JobName, jobRegistry } from './registry.js';

export type Queues = Record<QueueName, Queue>;

/** Producers for every queue on one connection. Callers attach their own 'error' listeners. */
export function createQueues(connection: Redis, prefix: string): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * Adds a job, typed and validated by the registry. A job with a `jobId` that is still in the
 * queue is not added again: BullMQ returns the existing one.
 */
export async function enqueue<Name extends JobName>(
  queues: Queues,
  name: Name,
  payload: JobInput<Name>,
  options: Pick<JobsOptions, 'jobId' | 'delay' | 'priority' | 'deduplication'> = {},
): Promise<Job> {
  const definition = jobRegistry[name];
  const data = definition.schema.parse(payload);
  return queues[definition.queue].add(name, data, { ...definition.options, ...options });
}

/**
 * A recurring job, one scheduler for every process: upserting the same id from each worker
 * at start is idempotent, and changing `everyMs` in config takes effect on the next start.
 */
export async function scheduleEvery<Name extends JobName>(
  queues: Queues,
  name: Name,
  schedulerId: string,
  everyMs: number,
  payload: JobInput<Name>,
): Promise<void> {
  const definition = jobRegistry[name];
  const { attempts, backoff, removeOnComplete, removeOnFail } = definition.options;
  await queues[definition.queue].upsertJobScheduler(
    schedulerId,
    { every: everyMs },
    {
      name,
      data: definition.schema.parse(payload),
      opts: { attempts, backoff, removeOnComplete, removeOnFail },
    },
  );
}

/**
 * Queues a location's reconciliation unless one is queued or running; answers the job that
 * will run (ours, or the one already there: BullMQ returns it under the same deduplication id).
 */
export function enqueueReconcile(queues: Queues, locationId: string): Promise<Job> {
  return enqueue(
    queues,
    'reconcile.location',
    { locationId },
    { deduplication: { id: reconcileDedupId(locationId) } },
  );
}
