import { OUTBOX_SWEEP_EVERY_MS, OUTBOX_SWEEP_SCHEDULER_ID, outboxSweep, type Queues } from '@ghl-bridge/jobs';

/** One scheduler for every worker process: upserting the same id is idempotent. */
export async function scheduleOutboxSweep(queues: Queues, everyMs = OUTBOX_SWEEP_EVERY_MS): Promise<void> {
  await queues[outboxSweep.queue].upsertJobScheduler(
    OUTBOX_SWEEP_SCHEDULER_ID,
    { every: everyMs },
    { name: outboxSweep.name, data: {}, opts: outboxSweep.options },
  );
}
