import { createHash } from 'node:crypto';

// BullMQ job ids may not contain ':' nor be all digits, and they are Redis key parts, so
// anything GHL sends that is not plainly safe is hashed instead of used raw.
const SAFE_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One job per delivery: GHL's webhookId when present, else the hash of the raw body. */
export function webhookJobId(webhookId: string | undefined, payloadHash: string): string {
  if (webhookId === undefined) return `body-${payloadHash}`;
  return SAFE_ID.test(webhookId) ? `wh-${webhookId}` : `wh-${sha256Hex(webhookId)}`;
}
