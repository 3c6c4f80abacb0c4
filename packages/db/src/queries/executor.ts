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
