import { z } from 'zod';
import { defineJob } from '../define-job.js';

/** Fan out one reconciliation per installed location; run by a job scheduler. */
export const reconcileAll = defineJob({
  name: 'reconcile.all',
  queue: 'maintenance',
  schema: z.object({}),
  // Housekeeping: a completed run is not kept (Bull Board would fill with them); failures are.
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
});

/** Pull one location's GHL events over the window and repair drift. */
export const reconcileLocation = defineJob({
  name: 'reconcile.location',
  queue: 'maintenance',
  schema: z.object({ locationId: z.string().min(1) }),
  options: {
    // GHL outages: a few spaced tries; the next scheduled run comes anyway.
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** Deduplication id of a location's run: one queued or running at a time, released when it ends. */
export const reconcileDedupId = (locationId: string) => `reconcile-${locationId}`;

/** Retention, daily by a job scheduler: finished webhook events and old idempotency keys. */
export const retentionPrune = defineJob({
  name: 'retention.prune',
  queue: 'maintenance',
  schema: z.object({}),
  // Housekeeping: a completed run is not kept; a failed one stays a week for inspection.
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
});
