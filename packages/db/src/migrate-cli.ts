import { loadConfig } from '@ghl-bridge/config';
import { createLogger } from '@ghl-bridge/observability';
import { dropSandboxDatabase, ensureDatabase, runMigrations } from './migrate.js';

// `pnpm db:migrate`: creates the database if needed and applies migrations/.
// `--reset-sandbox` first drops it, for `npm start` against the in-memory GHL sandbox, whose
// state is gone at every start; it refuses any database whose name does not end in _sandbox.
const config = loadConfig(process.env);
const log = createLogger({ name: 'db-migrate', level: config.log.level });
try {
  if (process.argv.includes('--reset-sandbox')) await dropSandboxDatabase(config.database.url);
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);
  log.info('migrations applied');
} catch (error) {
  log.fatal({ err: error }, 'migrations failed');
  process.exitCode = 1;
}
