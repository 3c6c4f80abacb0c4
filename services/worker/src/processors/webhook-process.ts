import { sweepOutbox } from '../outbox/sweep-outbox.js';
import { applyWebhookEvents, dedupKeysOf, recordWebhookFailure } from '../webhooks/apply-webhook-events.js';
import { entityKeysOf } from '../webhooks/effects/index.js';
import { WebhookBatcher } from '../webhooks/webhook-batcher.js';
import type { Processor, WorkerDeps } from './types.js';

// One batcher per set of worker deps, i.e. per worker process: every webhook job it runs
// shares the batches (see WebhookBatcher).
const batchers = new WeakMap<WorkerDeps, WebhookBatcher>();

function batcherFor(deps: WorkerDeps): WebhookBatcher {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = new WebhookBatcher({
      applyBatch: (deliveries) =>
        applyWebhookEvents(deps.db, deliveries, deps.webhookEffects, {
          // Jobs the effects promised go to Redis now; a miss is the sweeper's to retry.
          afterCommit: async (ids) => {
            await sweepOutbox(deps.db, deps.queues, { ids, log: deps.log }).catch((error: unknown) =>
              deps.log.warn({ err: error }, 'promised jobs left to the outbox sweeper'),
            );
          },
        }),
      keysOf: (delivery) => [...dedupKeysOf(delivery), ...entityKeysOf(delivery.event)],
      onBatch: (size) => deps.metrics?.webhooks.batchSize.observe(size),
    });
    batchers.set(deps, batcher);
  }
  return batcher;
}

export const processWebhook: Processor<'webhook.process'> = async ({ payload, deps, log }) => {
  try {
    const outcome = await batcherFor(deps).apply(payload);
    deps.metrics?.webhooks.applied.inc({ type: String(payload.event.type ?? 'unknown'), outcome });
    log.info(
      { outcome, eventType: payload.event.type, locationId: payload.event.locationId },
      'webhook applied',
    );
    return { outcome };
  } catch (error) {
    // Recorded for operators, then rethrown so BullMQ retries with backoff.
    await recordWebhookFailure(deps.db, payload, error).catch((recordError: unknown) =>
      log.error({ err: recordError }, 'could not record webhook failure'),
    );
    throw error;
  }
};
