import { loadConfig } from '@ghl-bridge/config';
import { createLogger } from '@ghl-bridge/observability';
import { ensureDatabase, runMigrations } from './migrate.js';

// `pnpm db:migrate`: creates the database if needed and applies migrations/.
const config = loadConfig(process.env);
const log = createLogger({ name: 'db-migrate', level: config.log.level });
try {
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);
  log.info('migrations applied');
} catch (error) {
  log.fatal({ err: error }, 'migrations failed');
  process.exitCode = 1;
}
