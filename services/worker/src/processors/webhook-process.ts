import { webhookTypeLabel } from '@ghl-bridge/jobs';
import { recordIgnoredWebhook, recordWebhookFailure } from '../webhooks/apply-webhook-events.js';
import { checkWebhookSource } from '../webhooks/check-webhook-source.js';
import type { Processor } from './types.js';

export const processWebhook: Processor<'webhook.process'> = async ({ payload, deps, log }) => {
  const type = webhookTypeLabel(payload.event.type);
  // First of all: an event its source may not drive is recorded as ignored and changes nothing.
  const verdict = checkWebhookSource(payload.source, payload.event);
  if (!verdict.ok) {
    const outcome = await recordIgnoredWebhook(deps.db, payload, verdict.reason);
    deps.metrics.webhooks.applied.inc({ type, outcome });
    log.warn({ outcome, eventType: type, reason: verdict.reason }, 'webhook refused by its source rule');
    return { outcome };
  }
  try {
    const outcome = await deps.webhookBatcher.apply(payload);
    deps.metrics.webhooks.applied.inc({ type, outcome });
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
