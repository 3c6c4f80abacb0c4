import { disableNotificationEndpoint, failQueuedDelivery } from '@ghl-bridge/db';
import { deliveryRequest, enqueueDeliveries, retryDelayMs, signingSecrets } from '@ghl-bridge/notifications';
import { DelayedError } from 'bullmq';
import type { Processor } from './types.js';

const GONE_REASON = 'the receiver answered 410 Gone';

/**
 * One attempt at one delivery. A 2xx delivers it; a 410 disables the endpoint; anything else
 * waits for the next step of the retry schedule (the job is delayed, no BullMQ attempt used),
 * and fails the delivery when the schedule is spent. A finished delivery, delivered or failed,
 * queues the next one of its cita for this endpoint.
 */
export const processNotificationDeliver: Processor<'notification.deliver'> = async ({
  payload,
  job,
  token,
  deps,
  log,
}) => {
  const options = deps.notifications;
  const found = await options.store.load(payload.deliveryId);
  if (!found) return { outcome: 'no_such_delivery' };
  const { delivery, endpoint, change, timeZone } = found;
  // Finished, failed by a disable, or replayed into a newer generation with a job of its own.
  if (delivery.status !== 'queued' || delivery.generation !== payload.generation)
    return { outcome: 'not_queued', status: delivery.status };
  if (endpoint.disabledAt) {
    await failQueuedDelivery(deps.db, delivery, 'endpoint disabled');
    return { outcome: 'endpoint_disabled' };
  }

  const now = new Date(options.now());
  const request = deliveryRequest(change, { timeZone }, signingSecrets(endpoint, options.key, now), now);
  const result = await options.post(endpoint.url, request, options.timeoutMs);

  const attempt = delivery.attempts + 1;
  const code = result.statusCode;
  const ok = code !== null && code >= 200 && code < 300;
  const gone = code === 410;
  const waitMs = ok || gone ? undefined : retryDelayMs(options.retryScheduleMs, attempt);
  const outcome = ok ? 'delivered' : waitMs !== undefined ? 'retrying' : 'failed';
  const recorded = await options.store.record({
    deliveryId: delivery.id,
    generation: delivery.generation,
    attempt,
    statusCode: code,
    error: result.error ?? (ok ? null : `HTTP ${code}`),
    latencyMs: result.latencyMs,
    outcome,
    nextAttemptAt: waitMs === undefined ? undefined : new Date(Date.now() + waitMs),
    // After a 410 nothing more goes to the endpoint: the disable below fails what waited.
    releaseNext: !gone,
  });
  const metrics = deps.metrics.notifications;
  metrics.deliveries.inc({ endpoint: endpoint.id, outcome: gone ? 'gone' : outcome });
  if (ok) metrics.lag.observe((Date.now() - change.at.getTime()) / 1000);
  const facts = { endpointId: endpoint.id, deliveryId: delivery.id, attempt, statusCode: code };

  if (gone) {
    if (await disableNotificationEndpoint(deps.db, endpoint.id, GONE_REASON)) {
      metrics.endpointsDisabled.inc({ reason: 'gone' });
      log.warn(facts, 'endpoint answered 410 Gone: disabled');
    }
    return { outcome: 'gone' };
  }
  // Moved on under us (disabled, replayed): the newer state decides what happens next.
  if (!recorded.moved) return { outcome: 'superseded' };
  if (outcome === 'retrying' && waitMs !== undefined) {
    log.info({ ...facts, waitMs, error: result.error }, 'delivery attempt failed; retrying');
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }
  if (outcome === 'failed') log.warn({ ...facts, error: result.error }, 'delivery failed: retries spent');
  // The lane's next delivery, queued by the same statement; should this add fail, the
  // dispatcher's sweep adds it once it has been idle a while.
  await enqueueDeliveries(deps.queues, recorded.next);
  return { outcome, statusCode: code, attempt };
};
