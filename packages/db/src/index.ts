export { createDatabase, type Database, type DatabaseOptions, type Db } from './client.js';
export { dropSandboxDatabase, ensureDatabase, migrationsFolder, runMigrations } from './migrate.js';
export * from './queries/index.js';
export * from './schema/index.js';
export { FIRST_STORABLE_MS, isStorableInstant, isStorableText, LAST_STORABLE_MS } from './storable.js';
