import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { runKeysCommand } from './keys-command.js';

// `pnpm ghl-bridge keys …`: operator commands. Output goes to stdout/stderr, not to the logger,
// because it is meant for a person (and the new key must be shown exactly once).
const config = loadConfig(process.env);
const [command, ...args] = process.argv.slice(2);
const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };

if (command !== 'keys') {
  io.err('Usage: ghl-bridge keys <create|list|revoke> …\n');
  process.exitCode = 2;
} else {
  const database = createDatabase({ url: config.database.url, poolSize: 1 });
  try {
    process.exitCode = await runKeysCommand(database.db, args, io);
  } catch (error) {
    io.err(`keys ${args[0] ?? ''} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}
