import type { z } from 'zod';
import { ApiError } from './errors.js';

export interface ValidationDetail {
  /** Dotted path of the offending field, e.g. `patient.email`; empty for the whole value. */
  path: string;
  message: string;
}

/**
 * Keys come from the client: one is named back (in the answer and the log) only when it looks
 * like a field name, never when it holds NUL, control characters or a megabyte.
 */
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const shownKey = (key: PropertyKey) =>
  typeof key === 'number' || FIELD_NAME.test(String(key)) ? String(key) : '(a key that is not a field name)';

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const keys = issue.keys.map((k) => (FIELD_NAME.test(k) ? `"${k}"` : shownKey(k)));
  return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`;
}

/** Parses a request part with zod; a mismatch is a 400 naming every bad field. */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what = 'request',
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: ValidationDetail[] = parsed.error.issues.map((issue) => ({
    path: issue.path.map(shownKey).join('.'),
    message: messageOf(issue),
  }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  throw new ApiError(400, 'validation_failed', `Invalid ${what}: ${summary}`, { details });
}
