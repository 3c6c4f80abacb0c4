export { createDatabase, type Database, type DatabaseOptions, type Db } from './client.js';
export { dropSandboxDatabase, ensureDatabase, migrationsFolder, runMigrations } from './migrate.js';
export * from './queries/index.js';
export * from './schema/index.js';
