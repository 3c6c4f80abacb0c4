import { closeQueues, createQueues, type QueueName, scheduleEvery } from '@ghl-bridge/jobs';
import { queuePrefix as queueKeyPrefix } from '@ghl-bridge/redis';
import { test } from '@ghl-bridge/testing';
import { type Job, Worker } from 'bullmq';
import { describe, expect } from 'vitest';
import { scheduleOutboxSweep } from '../src/outbox/schedule-outbox-sweep.js';

describe('housekeeping jobs in Bull Board', () => {
  test('scheduled runs are not kept once completed, and a failed one is kept', async ({
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    const workers: Worker[] = [];
    try {
      // As the worker's main.ts schedules them; each scheduler's first run is due at once.
      await scheduleOutboxSweep(queues, 3600_000);
      await scheduleEvery(queues, 'reconcile.all', 'reconcile-all', 3600_000, {});
      await scheduleEvery(queues, 'retention.prune', 'retention-prune', 3600_000, {});

      const finished: string[] = [];
      const done = new Promise<void>((resolve) => {
        const record = (job: Job | undefined) => {
          if (job) finished.push(job.name);
          if (finished.length === 3) resolve();
        };
        for (const name of ['citas', 'maintenance'] satisfies QueueName[]) {
          // The processors' work is not under test: only what the queue keeps afterwards.
          const worker = new Worker(
            name,
            async (job) => {
              if (job.name === 'retention.prune') throw new Error('retention could not reach PostgreSQL');
            },
            { connection: redis, prefix: queueKeyPrefix(queuePrefix, name) },
          );
          worker.on('completed', record);
          worker.on('failed', record);
          workers.push(worker);
        }
      });
      await done;
      expect(finished.sort()).toEqual(['outbox.sweep', 'reconcile.all', 'retention.prune']);
      expect(await queues.citas.getJobCounts('completed', 'failed')).toEqual({ completed: 0, failed: 0 });
      const failed = await queues.maintenance.getFailed();
      expect(failed.map((job) => [job.name, job.failedReason])).toEqual([
        ['retention.prune', 'retention could not reach PostgreSQL'],
      ]);
      expect(await queues.maintenance.getCompletedCount()).toBe(0);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await closeQueues(queues);
    }
  });
});
