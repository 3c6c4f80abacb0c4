import { applyWebhookEvent, recordWebhookFailure } from '../webhooks/record-webhook-event.js';
import type { Processor } from './types.js';

export const processWebhook: Processor<'webhook.process'> = async ({ payload, deps, log }) => {
  try {
    const outcome = await applyWebhookEvent(deps.db, payload, deps.webhookEffects);
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
