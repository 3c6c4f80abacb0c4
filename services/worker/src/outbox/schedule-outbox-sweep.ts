import {
  OUTBOX_SWEEP_EVERY_MS,
  OUTBOX_SWEEP_SCHEDULER_ID,
  type Queues,
  scheduleEvery,
} from '@ghl-bridge/jobs';

/** One scheduler for every worker process: upserting the same id is idempotent. */
export async function scheduleOutboxSweep(queues: Queues, everyMs = OUTBOX_SWEEP_EVERY_MS): Promise<void> {
  await scheduleEvery(queues, 'outbox.sweep', OUTBOX_SWEEP_SCHEDULER_ID, everyMs, {});
}
