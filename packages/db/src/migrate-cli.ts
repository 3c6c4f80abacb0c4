import { describeDatabase, loadConfig, resolveEnv } from '@ghl-bridge/config';
import { createLogger } from '@ghl-bridge/observability';
import { ensureDatabase, runMigrations } from './migrate.js';

// `pnpm db:migrate`: creates the database if needed and applies migrations/. It follows sandbox
// mode like `npm start` and the CLI (with no GHL credentials, the `<database>_sandbox` database).
const { env, notes } = resolveEnv(process.env, { sandbox: true });
const config = loadConfig(env);
const log = createLogger({ name: 'db-migrate', level: config.log.level });
for (const note of notes) log.info(note);
try {
  await ensureDatabase(config.database.url);
  await runMigrations(config.database.url);
  log.info(`migrations applied to ${describeDatabase(config.database.url)}`);
} catch (error) {
  log.fatal({ err: error }, 'migrations failed');
  process.exitCode = 1;
}
