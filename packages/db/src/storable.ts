/**
 * The instants PostgreSQL's timestamptz takes from us. ISO-8601 has a year 0000 (1 BC) that
 * PostgreSQL refuses, and JavaScript dates past 9999 serialise as `+010000-…`, which it does
 * not parse: a value outside these bounds fails the query (a 500, or a job retried for
 * nothing), so whatever a client or GHL sends is checked against them first.
 */
export const FIRST_STORABLE_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LAST_STORABLE_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** True for epoch milliseconds PostgreSQL can store as a timestamptz. */
export function isStorableInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= FIRST_STORABLE_MS && ms <= LAST_STORABLE_MS;
}

/** True for text PostgreSQL can store: text and jsonb refuse U+0000. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000');
}
