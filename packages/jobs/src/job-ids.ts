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

/** A GHL id as part of a job id: `:` and anything unusual replaced, as BullMQ needs. */
const idPart = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);

/**
 * An install job's id: one per install event (`at` tells a reinstall apart from the first),
 * so a redelivered event cannot add a second job for the same moment.
 */
export function installJobId(
  kind: 'install-company' | 'install-location' | 'forget-tokens',
  resourceId: string,
  at: number = Date.now(),
): string {
  const prefix = {
    'install-company': 'install-company',
    'install-location': 'install',
    'forget-tokens': 'forget',
  }[kind];
  return `${prefix}-${idPart(resourceId)}-${at}`;
}
