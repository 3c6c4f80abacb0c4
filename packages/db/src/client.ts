import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database['db'];

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  /** Seconds to wait for a connection before failing, so readiness checks answer promptly. */
  connectTimeoutSeconds?: number;
}

/** One pool per process: `db` for typed queries, `sql` for the few hand-written ones. */
export function createDatabase({ url, poolSize = 10, connectTimeoutSeconds = 5 }: DatabaseOptions) {
  const sql = postgres(url, {
    max: poolSize,
    connect_timeout: connectTimeoutSeconds,
    // Migrations and tests create objects that emit NOTICEs; they are not worth a log line.
    onnotice: () => {},
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}
