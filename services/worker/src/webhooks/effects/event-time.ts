/** When GHL says the event happened: `dateUpdated` where the record has one, else the delivery's `timestamp`. */
export function eventTime(...candidates: unknown[]): Date | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const at = Date.parse(candidate);
    if (!Number.isNaN(at)) return new Date(at);
  }
  return undefined;
}
