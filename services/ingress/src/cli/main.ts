import { type Config, ConfigError, loadConfig, resolveEnv } from '@ghl-bridge/config';
import { createDatabase, describeError } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { createRedis } from '@ghl-bridge/redis';
import { ENDPOINTS_USAGE, runEndpointsCommand } from './endpoints-command.js';
import { runKeysCommand } from './keys-command.js';
import { OPS_USAGE, runOpsCommand } from './ops-commands.js';
import { resetSandbox, SANDBOX_USAGE } from './sandbox-command.js';
import { runWorkflowSecretsCommand } from './workflow-secrets-command.js';

// `pnpm ghl-bridge …`: operator commands. Output goes to stdout/stderr, not to the logger,
// because it is meant for a person (and a new key must be shown exactly once). Configuration is
// resolved as `npm start` resolves it (.env, sandbox mode), so the CLI works on what it runs;
// what was read or derived goes to stderr, keeping stdout for the command's answer.
const resolved = resolveEnv(process.env, { sandbox: true });
const [command, ...args] = process.argv.slice(2);
const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
for (const note of resolved.notes) io.err(`${note}\n`);
const config = configOrExit(resolved.env);
const KEYS_USAGE =
  '  ghl-bridge keys <create|list|revoke> …\n  ghl-bridge workflow-secrets <create|list|revoke> …\n';
// Commands that need only PostgreSQL.
const DATABASE_ONLY: Record<string, typeof runKeysCommand> = {
  keys: runKeysCommand,
  'workflow-secrets': runWorkflowSecretsCommand,
};

if (command === 'sandbox') {
  if (args[0] !== 'reset' || args.length > 1) {
    io.err(SANDBOX_USAGE);
    process.exitCode = 2;
  } else if (!resolved.sandbox) {
    io.err('sandbox reset works in sandbox mode only (no GHL credentials, NODE_ENV development)\n');
    process.exitCode = 2;
  } else {
    process.exitCode = await resetSandbox(
      { databaseUrl: config.database.url, redis: config.redis, queuePrefix: config.redis.queuePrefix },
      io,
    ).catch((error: unknown) => {
      io.err(`sandbox reset failed: ${describeError(error)}\n`);
      return 1;
    });
  }
} else if (
  !command ||
  !['webhooks', 'tokens', 'reconcile', 'queues', 'endpoints', ...Object.keys(DATABASE_ONLY)].includes(command)
) {
  io.err(`${OPS_USAGE}${KEYS_USAGE}${SANDBOX_USAGE}${ENDPOINTS_USAGE.replace('Usage:\n', '')}`);
  process.exitCode = 2;
} else {
  const database = createDatabase({ url: config.database.url, poolSize: 1 });
  const databaseOnly = DATABASE_ONLY[command];
  const redis = databaseOnly ? undefined : createRedis(config.redis, 'command');
  const queues = redis
    ? createQueues(redis, config.redis.queuePrefix, { ackReplicas: config.redis.ackReplicas })
    : undefined;
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
    // The reason (PostgreSQL's code and message), not drizzle's "Failed query: <sql>".
    const reason = describeError(error);
    io.err(`${command} ${args[0] ?? ''} failed: ${reason}\n`);
    // 3D000: no such database, as before the first `npm start` (or against the wrong one).
    if (reason.startsWith('PostgreSQL 3D000')) io.err('`npm start` or `pnpm db:migrate` creates it.\n');
    process.exitCode = 1;
  } finally {
    if (queues) await closeQueues(queues);
    redis?.disconnect();
    await database.close();
  }
}

/** A person at a terminal gets what is wrong with the configuration, not a stack trace. */
function configOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    process.exit(2);
  }
}
