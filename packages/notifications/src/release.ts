import {
  type Executor,
  idleQueuedDeliveries,
  type QueuedDelivery,
  type ReleaseScope,
  releaseDeliveries,
} from '@ghl-bridge/db';
import { notificationDeliver, notificationJobId, type Queues } from '@ghl-bridge/jobs';

/** addBulk sends one round trip per call; chunks keep each one bounded. */
const CHUNK = 500;

/** Adds the job of each queued delivery; a job already there under its id is left alone. */
export async function enqueueDeliveries(
  queues: Queues,
  deliveries: readonly QueuedDelivery[],
): Promise<void> {
  for (let i = 0; i < deliveries.length; i += CHUNK) {
    await queues.notifications.addBulk(
      deliveries.slice(i, i + CHUNK).map((d) => ({
        name: notificationDeliver.name,
        data: notificationDeliver.schema.parse({ deliveryId: d.id, generation: d.generation }),
        opts: { ...notificationDeliver.options, jobId: notificationJobId(d.id, d.generation) },
      })),
    );
  }
}

/**
 * Queues the next delivery of each lane in scope (see releaseDeliveries) and adds its job.
 * Should Redis fail between the two, the delivery stays queued without a job until the
 * dispatcher's sweep finds it idle and adds the job again. Answers how many were queued.
 */
export async function releaseAndEnqueue(db: Executor, queues: Queues, scope: ReleaseScope): Promise<number> {
  const released = await releaseDeliveries(db, scope);
  await enqueueDeliveries(queues, released);
  return released.length;
}

/**
 * Gives queued deliveries idle for `idleMs` their job again: added when missing (Redis lost it,
 * or the enqueue after a release failed), retried when it failed for good on our side (e.g.
 * PostgreSQL away through every attempt). A job that is waiting or running is left alone.
 */
export async function requeueIdleDeliveries(db: Executor, queues: Queues, idleMs: number): Promise<number> {
  const idle = await idleQueuedDeliveries(db, idleMs);
  const missing: QueuedDelivery[] = [];
  for (const delivery of idle) {
    const job = await queues.notifications.getJob(notificationJobId(delivery.id, delivery.generation));
    if (!job) missing.push(delivery);
    else if (await job.isFailed())
      // Another process's sweep may retry it first (BullMQ then throws: no longer failed), or its
      // age may remove it meanwhile: adding it under its id is then right, or a no-op.
      await job.retry('failed').catch(() => missing.push(delivery));
  }
  await enqueueDeliveries(queues, missing);
  return missing.length;
}
