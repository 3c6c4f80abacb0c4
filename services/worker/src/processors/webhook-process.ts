import { describeError, postgresError } from '@ghl-bridge/db';
import { webhookTypeLabel } from '@ghl-bridge/jobs';
import { UnrecoverableError } from 'bullmq';
import { recordIgnoredWebhook, recordWebhookFailure } from '../webhooks/apply-webhook-events.js';
import { checkWebhookSource } from '../webhooks/check-webhook-source.js';
import { checkWorkflowCalendar } from '../webhooks/workflow-calendar.js';
import type { Processor } from './types.js';

/** A location id as logged: the body's own only when it looks like one (a signed body may hold anything). */
const idForLog = (value: unknown) =>
  typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : '(not an id)';

export const processWebhook: Processor<'webhook.process'> = async ({ payload, deps, log }) => {
  const type = webhookTypeLabel(payload.event.type);
  // First of all: an event its source may not drive is recorded as ignored and changes nothing.
  let verdict = checkWebhookSource(payload.source, payload.event);
  if (verdict.ok && payload.source.kind === 'workflow')
    verdict = await checkWorkflowCalendar(deps, payload.event);
  if (!verdict.ok) {
    const outcome = await recordIgnoredWebhook(deps.db, payload, verdict.reason);
    deps.metrics.webhooks.applied.inc({ type, outcome });
    log.warn({ outcome, eventType: type, reason: verdict.reason }, 'webhook refused by its source rule');
    return { outcome };
  }
  try {
    const outcome = await deps.webhookBatcher.apply(payload);
    deps.metrics.webhooks.applied.inc({ type, outcome });
    log.info({ outcome, eventType: type, locationId: idForLog(payload.event.locationId) }, 'webhook applied');
    return { outcome };
  } catch (error) {
    // Recorded for operators, then rethrown so BullMQ retries with backoff.
    await recordWebhookFailure(deps.db, payload, error).catch((recordError: unknown) =>
      log.error({ err: recordError }, 'could not record webhook failure'),
    );
    // PostgreSQL refusing the event's own values (a data exception: NUL, a date or number out
    // of range) refuses them on every retry: it fails for good and stays replayable. A check or
    // overlap constraint can depend on the row the event merges with, which may change: retried.
    if (postgresError(error)?.code.startsWith('22')) throw new UnrecoverableError(describeError(error));
    throw error;
  }
};
