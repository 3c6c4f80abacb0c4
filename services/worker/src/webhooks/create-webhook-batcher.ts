import type { Db } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import { sweepOutbox } from '../outbox/sweep-outbox.js';
import { applyWebhookEvents, dedupKeysOf, type WebhookEffects } from './apply-webhook-events.js';
import { entityKeysOf } from './effects/index.js';
import { WebhookBatcher } from './webhook-batcher.js';

export interface WebhookBatcherDeps {
  db: Db;
  queues: Queues;
  log: Logger;
  metrics: Metrics;
  /** What each GHL event type changes. */
  effects: WebhookEffects;
}

/** The worker's one batcher: every webhook job the process runs shares its batches. */
export function createWebhookBatcher({
  db,
  queues,
  log,
  metrics,
  effects,
}: WebhookBatcherDeps): WebhookBatcher {
  return new WebhookBatcher({
    run: (deliveries) =>
      applyWebhookEvents(db, deliveries, effects, {
        // Jobs the effects promised go to Redis now; a miss is the sweeper's to retry.
        afterCommit: async (ids) => {
          await sweepOutbox(db, queues, { ids, log }).catch((error: unknown) =>
            log.warn({ err: error }, 'promised jobs left to the outbox sweeper'),
          );
        },
      }),
    keysOf: (delivery) => [...dedupKeysOf(delivery), ...entityKeysOf(delivery.event)],
    onBatch: (size) => metrics.webhooks.batchSize.observe(size),
  });
}
