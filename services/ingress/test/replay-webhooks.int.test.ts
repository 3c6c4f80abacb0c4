import { webhookEvents } from '@ghl-bridge/db';
import { closeQueues, createQueues, enqueue, sha256Hex, webhookJobId } from '@ghl-bridge/jobs';
import { queuePrefix as queueKeyPrefix } from '@ghl-bridge/redis';
import { appointmentEvent, type TestDatabase, test } from '@ghl-bridge/testing';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { replayFailedWebhooks } from '../src/admin/replay-webhooks.js';

/** A delivery stored as ingress stores it, and its webhook_events row as the worker left it: failed. */
async function failedDelivery(database: TestDatabase, queues: ReturnType<typeof createQueues>) {
  const event = appointmentEvent();
  const raw = JSON.stringify(event);
  const payload = {
    payloadHash: sha256Hex(raw),
    webhookId: String(event.webhookId),
    event,
    receivedAt: new Date().toISOString(),
  };
  const jobId = webhookJobId(payload.webhookId, payload.payloadHash);
  await enqueue(queues, 'webhook.process', payload, { jobId });
  const [row] = await database.db
    .insert(webhookEvents)
    .values({
      webhookId: payload.webhookId,
      payloadHash: payload.payloadHash,
      eventType: 'AppointmentCreate',
      status: 'failed',
      attempts: 1,
      lastError: 'the appointment overlaps cita 7',
      payload: event,
    })
    .returning();
  if (!row) throw new Error('no row');
  return { jobId, row };
}

/** A webhooks worker whose first run of each job fails for good and whose next run succeeds. */
function workerFailingFirstRuns(redis: Redis, queuePrefix: string) {
  const runs = new Map<string, number>();
  const settled: Array<{ id: string; outcome: string }> = [];
  let notify = () => {};
  const worker = new Worker(
    'webhooks',
    async (job) => {
      const run = (runs.get(job.id ?? '') ?? 0) + 1;
      runs.set(job.id ?? '', run);
      if (run === 1) throw new UnrecoverableError('the appointment overlaps cita 7');
      return { outcome: 'processed' };
    },
    { connection: redis, prefix: queueKeyPrefix(queuePrefix, 'webhooks') },
  );
  const record = (outcome: string) => (job: Job | undefined) => {
    if (job?.id) settled.push({ id: job.id, outcome });
    notify();
  };
  worker.on('completed', record('completed'));
  worker.on('failed', record('failed'));
  const settledCount = async (count: number) => {
    while (settled.length < count) await new Promise<void>((resolve) => (notify = resolve));
    return settled.slice(0, count);
  };
  return { worker, settledCount };
}

describe('replaying failed webhooks', () => {
  test('retries the failed job itself, which then shows as completed, not failed', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    const { worker, settledCount } = workerFailingFirstRuns(redis, queuePrefix);
    try {
      const { jobId, row } = await failedDelivery(database, queues);
      expect(await settledCount(1)).toEqual([{ id: jobId, outcome: 'failed' }]);

      expect(await replayFailedWebhooks(database.db, queues, { id: row.id })).toEqual([row.id]);
      expect(await settledCount(2)).toEqual([
        { id: jobId, outcome: 'failed' },
        { id: jobId, outcome: 'completed' },
      ]);
      // One job for the delivery, completed; nothing left in the failed set.
      expect(await queues.webhooks.getJobCounts('failed', 'completed', 'waiting')).toEqual({
        failed: 0,
        completed: 1,
        waiting: 0,
      });
      expect(await queues.webhooks.getJobState(jobId)).toBe('completed');
    } finally {
      await worker.close();
      await closeQueues(queues);
    }
  });

  test('enqueues the event anew under the delivery’s id once its failed job is gone', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    try {
      const { jobId, row } = await failedDelivery(database, queues);
      // As after a week in the failed set: the job itself has been removed.
      await queues.webhooks.remove(jobId);
      expect(await replayFailedWebhooks(database.db, queues, { id: row.id })).toEqual([row.id]);
      const job = await queues.webhooks.getJob(jobId);
      expect(await job?.getState()).toBe('waiting');
      expect(job?.data).toMatchObject({
        payloadHash: row.payloadHash,
        webhookId: row.webhookId,
        source: { kind: 'app' },
      });
      expect(await queues.webhooks.count()).toBe(1);
    } finally {
      await closeQueues(queues);
    }
  });
});
