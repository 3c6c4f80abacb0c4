import { toChangeJson } from '@ghl-bridge/citas';
import type { CitaChange } from '@ghl-bridge/db';
import { signPayload } from './endpoint-secrets.js';

export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
}

/** The same for every endpoint and every attempt of one change: receivers deduplicate on it. */
export const webhookId = (change: Pick<CitaChange, 'position'>): string => `chg_${change.position}`;

/**
 * One delivery as Standard Webhooks shapes it: `{ type, timestamp, data }` where `data` is the
 * change exactly as the feed shows it, and the id, timestamp and signature headers. The
 * timestamp header is the time of sending (receivers refuse stale ones), the body's is the change's.
 */
export function deliveryRequest(
  change: CitaChange,
  settings: { timeZone: string },
  secrets: readonly string[],
  now: Date,
): DeliveryRequest {
  const id = webhookId(change);
  const body = JSON.stringify({
    type: change.kind,
    timestamp: change.at.toISOString(),
    data: toChangeJson(change, settings),
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'ghl-bridge-webhooks',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signPayload(secrets, id, now, body),
    },
  };
}
