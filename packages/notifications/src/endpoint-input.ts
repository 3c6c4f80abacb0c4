import { citaChangeKind, isStorableInstant } from '@ghl-bridge/db';
import { z } from 'zod';
import { endpointUrlProblem, type SelfAddress } from './endpoint-url.js';

const isControl = (char: string) => {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

/** A location id as GHL gives them: visible ASCII, no comma (the CLI takes a comma list). */
const locationId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x2b\x2d-\x7e]+$/, 'must be 1-128 visible ASCII characters, no comma');

/**
 * A new endpoint, as the admin route's body and the CLI's flags give it. The URL rule needs to
 * know where ghl-bridge itself listens, so the schema is made per process.
 */
export function newEndpointSchema(self: SelfAddress) {
  return z
    .object({
      url: z
        .string()
        .max(2048)
        // Control characters (NUL above all, which PostgreSQL cannot store) are no part of a URL.
        .refine((url) => ![...url].some(isControl), 'must not contain control characters')
        .superRefine((url, context) => {
          const problem = endpointUrlProblem(url, self);
          if (problem) context.addIssue({ code: 'custom', message: problem });
        }),
      locations: z.array(locationId).min(1).max(100),
      // Left out or empty: every kind.
      kinds: z.array(z.enum(citaChangeKind.enumValues)).max(citaChangeKind.enumValues.length).optional(),
    })
    .strict();
}
export type NewEndpoint = z.infer<ReturnType<typeof newEndpointSchema>>;

/** Replay from this instant on: ISO-8601 with an offset, within what PostgreSQL stores. */
export const replaySinceSchema = z
  .object({
    since: z.iso
      .datetime({
        offset: true,
        error: (issue) =>
          issue.input === undefined ? 'is required' : 'must be ISO-8601 with an offset or Z',
      })
      .refine((v) => isStorableInstant(Date.parse(v)), 'must be a date from year 1 to 9999'),
  })
  .strict();

/** Splits `a,b, c` as the CLI's `--locations` and `--kinds` take them. */
export function commaList(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
