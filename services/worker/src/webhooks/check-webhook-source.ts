import { isWorkflowEventType, type WebhookSource } from '@ghl-bridge/jobs';

export type SourceVerdict = { ok: true } | { ok: false; reason: string };

/**
 * What a delivery may do given who vouched for it. GHL's signed app webhooks may do anything
 * GHL sends. A workflow secret speaks for one location only, and only through appointment and
 * contact changes: ingress refuses anything else, and this is the same rule again, at the
 * worker, so a job that reached the queue another way still cannot act beyond its secret.
 */
export function checkWebhookSource(
  source: WebhookSource | undefined,
  event: Record<string, unknown>,
): SourceVerdict {
  if (!source || source.kind === 'app') return { ok: true };
  if (!isWorkflowEventType(event.type))
    return { ok: false, reason: 'a workflow webhook may not drive this event type' };
  if (event.locationId !== source.locationId)
    return { ok: false, reason: "a workflow webhook may act only on its secret's location" };
  return { ok: true };
}
