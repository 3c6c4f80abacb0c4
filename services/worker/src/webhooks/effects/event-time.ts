/** When GHL says the event happened: `dateUpdated` where the record has one, else the delivery's `timestamp`. */
export function eventTime(...candidates: unknown[]): Date | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const at = Date.parse(candidate);
    if (!Number.isNaN(at)) return new Date(at);
  }
  return undefined;
}

/**
 * True when `incoming` is older than what we hold: the event must change nothing. GHL's
 * `dateUpdated` has one-second resolution, so an equal time may be a genuine later change in
 * the same second; it is applied (duplicates never get here: the webhook dedup stops them).
 */
export function isStale(incoming: Date | undefined, held: Date | null | undefined): boolean {
  return incoming !== undefined && held != null && incoming.getTime() < held.getTime();
}
