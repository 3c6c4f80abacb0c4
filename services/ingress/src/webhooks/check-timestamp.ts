/** A clock running this far ahead of ours is still trusted; more looks like a forged timestamp. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type TimestampVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Replay window on GHL's top-level `timestamp`. GHL keeps the original timestamp when it
 * retries after a 429 (every ~10 minutes, six times), so the window must span those retries.
 * Deliveries without a timestamp pass: GHL documents it as usually, not always, present;
 * webhookId dedup still applies to them.
 */
export function checkTimestamp(timestamp: unknown, nowMs: number, maxAgeSeconds: number): TimestampVerdict {
  if (timestamp === undefined) return { ok: true };
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) return { ok: false, reason: 'timestamp is not an ISO-8601 date' };
  if (nowMs - at > maxAgeSeconds * 1000)
    return { ok: false, reason: `timestamp is older than ${maxAgeSeconds} s` };
  if (at - nowMs > MAX_FUTURE_SKEW_MS) return { ok: false, reason: 'timestamp is in the future' };
  return { ok: true };
}
