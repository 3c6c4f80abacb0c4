import { isStorableText } from '@ghl-bridge/db';
import { z } from 'zod';

// Request field shapes shared by the staff API. PostgreSQL cannot store U+0000 in text, and
// every string has a limit, so odd input is refused here with a 400 instead of failing later.

const NUL_MESSAGE = 'must not contain NUL (U+0000) characters';

/** Free text of at most `max` characters. */
export const text = (max: number) => z.string().max(max).refine(isStorableText, NUL_MESSAGE);

/** A GHL or RV3 identifier: 1-128 visible characters. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-128 visible ASCII characters');

/** Why `id` cannot be a GHL location id, for the CLI; undefined when it can. */
export function locationIdProblem(id: string): string | undefined {
  if (identifier.safeParse(id).success) return undefined;
  return `not a GHL location id: ${JSON.stringify(id.slice(0, 140))} (1-128 visible ASCII characters)`;
}

/** Earliest and latest instants the API takes: appointments live well inside them. */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(3000, 0, 1);

/** An ISO-8601 instant with an offset (or Z), between the years 1900 and 2999. */
export const isoWithOffset = z.iso
  .datetime({
    offset: true,
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : 'must be a real date and time, ISO-8601 with an offset or Z (2026-12-07T09:00:00-05:00)',
  })
  // A text that is no date at all has its one message above, not this one too.
  .refine((v) => {
    const at = Date.parse(v);
    return Number.isNaN(at) || (at >= EARLIEST && at < LATEST);
  }, 'must be between the years 1900 and 2999');
