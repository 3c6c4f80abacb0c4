import { queuePrefix, type RedisClient, waitForReplicas } from '@ghl-bridge/redis';
import { type Job, type JobsOptions, Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './define-job.js';
import { reconcileDedupId } from './definitions/maintenance.js';
import { type JobInput, type JobName, jobRegistry } from './registry.js';

export type Queues = Record<QueueName, Queue>;

export interface QueueOptions {
  /** Replicas that must hold a job before `enqueue` returns (REDIS_ACK_REPLICAS); 0 by default. */
  ackReplicas?: number;
}

// What enqueue needs to wait for replicas: the connection a queue writes through (BullMQ uses the
// instance it is given) and how many replicas must ack. Kept beside the Queue objects, so
// `Queues` stays a plain map of queues.
const durability = new WeakMap<Queue, { connection: RedisClient; replicas: number }>();

/**
 * Producers for every queue on one connection, each queue under its own hash tag (see
 * queuePrefix) so a Redis Cluster spreads them over its shards. Callers attach their own
 * 'error' listeners.
 */
export function createQueues(connection: RedisClient, prefix: string, options: QueueOptions = {}): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection, prefix: queuePrefix(prefix, name) });
      durability.set(queue, { connection, replicas: options.ackReplicas ?? 0 });
      return [name, queue];
    }),
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
  const queue = queues[definition.queue];
  const job = await queue.add(name, data, { ...definition.options, ...options });
  // With REDIS_ACK_REPLICAS, "stored" means on a replica too: a master that dies after
  // answering must not take an accepted job with it. The caller sees a failure otherwise
  // (a webhook answers 429; the job may still run, and GHL's retry finds the same job id).
  const acks = durability.get(queue);
  if (acks) await waitForReplicas(acks.connection, queue.qualifiedName, acks.replicas);
  return job;
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
