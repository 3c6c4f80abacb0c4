/** Test databases are named `ghlb_t_<unix seconds>_<random>` so stale ones can be aged out. */
export const TEST_DATABASE_PREFIX = 'ghlb_t_';

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

export function newTestDatabaseName(): string {
  const random = Math.random().toString(36).slice(2, 10);
  return `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${random}`;
}
