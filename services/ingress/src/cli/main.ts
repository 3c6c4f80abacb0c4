import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { Redis } from 'ioredis';
import { ENDPOINTS_USAGE, runEndpointsCommand } from './endpoints-command.js';
import { runKeysCommand } from './keys-command.js';
import { OPS_USAGE, runOpsCommand } from './ops-commands.js';
import { runWorkflowSecretsCommand } from './workflow-secrets-command.js';

// `pnpm ghl-bridge …`: operator commands. Output goes to stdout/stderr, not to the logger,
// because it is meant for a person (and a new key must be shown exactly once).
const config = loadConfig(process.env);
const [command, ...args] = process.argv.slice(2);
const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
const KEYS_USAGE =
  '  ghl-bridge keys <create|list|revoke> …\n  ghl-bridge workflow-secrets <create|list|revoke> …\n';
// Commands that need only PostgreSQL.
const DATABASE_ONLY: Record<string, typeof runKeysCommand> = {
  keys: runKeysCommand,
  'workflow-secrets': runWorkflowSecretsCommand,
};

if (
  !command ||
  !['webhooks', 'tokens', 'reconcile', 'queues', 'endpoints', ...Object.keys(DATABASE_ONLY)].includes(command)
) {
  io.err(`${OPS_USAGE}${KEYS_USAGE}${ENDPOINTS_USAGE.replace('Usage:\n', '')}`);
  process.exitCode = 2;
} else {
  const database = createDatabase({ url: config.database.url, poolSize: 1 });
  const databaseOnly = DATABASE_ONLY[command];
  const redis = databaseOnly ? undefined : new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  const queues = redis ? createQueues(redis, config.redis.queuePrefix) : undefined;
  try {
    process.exitCode =
      databaseOnly || !queues
        ? await (databaseOnly ?? runKeysCommand)(database.db, args, io)
        : command === 'endpoints'
          ? await runEndpointsCommand(
              args,
              {
                db: database.db,
                queues,
                key: config.ghl.tokens.encryptionKey,
                secretOverlapMs: config.notifications.secretOverlapMs,
                self: config.http,
              },
              io,
            )
          : await runOpsCommand(command, args, { db: database.db, queues }, io);
  } catch (error) {
    io.err(`${command} ${args[0] ?? ''} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    if (queues) await closeQueues(queues);
    redis?.disconnect();
    await database.close();
  }
}
