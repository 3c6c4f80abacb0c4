import type { Db } from '../client.js';

/** A transaction handle, as drizzle passes it to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the pool or a transaction: query helpers work inside or outside one. */
export type Executor = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

/**
 * The SQLSTATE and constraint of a Postgres error, through drizzle's wrapper (it keeps the
 * driver's error as `cause`). Undefined for anything that is not a Postgres error.
 */
export function postgresError(error: unknown): { code: string; constraint?: string } | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      const constraint =
        typeof candidate.constraint_name === 'string' ? candidate.constraint_name : undefined;
      return constraint ? { code: candidate.code, constraint } : { code: candidate.code };
    }
    current = candidate.cause;
  }
  return undefined;
}

/**
 * The reason an operation failed, fit for a row operators read (`last_error`, `sync_error`):
 * PostgreSQL's own reason (SQLSTATE, constraint, message) instead of drizzle's "Failed query"
 * text, which carries the SQL and its parameters (patient data). Other errors keep their
 * message; GHL's errors name GHL's status, message and traceId.
 */
export function describeError(error: unknown): string {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as {
      code?: unknown;
      constraint_name?: unknown;
      message?: unknown;
      cause?: unknown;
      query?: unknown;
    };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      const constraint =
        typeof candidate.constraint_name === 'string' ? ` (${candidate.constraint_name})` : '';
      return `PostgreSQL ${candidate.code}${constraint}: ${String(candidate.message ?? 'error')}`.slice(
        0,
        1000,
      );
    }
    // drizzle's DrizzleQueryError: its own message is the query text; the reason is its cause.
    if (typeof candidate.query === 'string' && candidate.cause) {
      current = candidate.cause;
      continue;
    }
    // The message says what went wrong; a class name (GhlTransientError, Error) would not.
    if (current instanceof Error) return (current.message || current.name).slice(0, 1000);
    break;
  }
  return String(error).slice(0, 1000);
}
