import { z } from 'zod';
import { defineJob } from '../define-job.js';

/** Enqueue outbox rows whose request could not reach Redis; run by a job scheduler. */
export const outboxSweep = defineJob({
  name: 'outbox.sweep',
  queue: 'citas',
  schema: z.object({}),
  options: {
    // The next scheduled run retries anyway.
    attempts: 1,
    // Every 30 s: kept, completed runs would bury the citas queue's real jobs in Bull Board.
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
});

/** How often the sweeper runs, and the one id of its scheduler across all workers. */
export const OUTBOX_SWEEP_EVERY_MS = 30_000;
export const OUTBOX_SWEEP_SCHEDULER_ID = 'outbox-sweep';
