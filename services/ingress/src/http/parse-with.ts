import type { z } from 'zod';
import { ApiError } from './errors.js';

export interface ValidationDetail {
  /** Dotted path of the offending field, e.g. `patient.email`; empty for the whole value. */
  path: string;
  message: string;
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
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  throw new ApiError(400, 'validation_failed', `Invalid ${what}: ${summary}`, { details });
}
