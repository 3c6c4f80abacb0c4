import { describeDatabase } from '@ghl-bridge/config';
import { dropSandboxDatabase } from '@ghl-bridge/db';
import { createRedis, deleteKeys, type RedisSettings } from '@ghl-bridge/redis';
import type { CliOutput } from './keys-command.js';

export const SANDBOX_USAGE =
  '  ghl-bridge sandbox reset            (sandbox mode only: drops its database and queue keys;\n' +
  '                                       npm start -- --fresh also deletes the sandbox state)\n';

export interface SandboxData {
  databaseUrl: string;
  redis: RedisSettings;
  queuePrefix: string;
}

/**
 * `ghl-bridge sandbox reset`: drops sandbox mode's database and deletes every Redis key under its
 * queue prefix (jobs, caches, budgets), so nothing refers to data that is gone. `npm start --
 * --fresh` runs it together with deleting the sandbox's state file. Called only in sandbox mode,
 * whose names are derived (`<database>_sandbox`, `<prefix>-sandbox`); the database drop itself
 * refuses any name not ending in `_sandbox` as well.
 */
export async function resetSandbox(data: SandboxData, io: CliOutput): Promise<number> {
  await dropSandboxDatabase(data.databaseUrl);
  const redis = createRedis(data.redis, 'command');
  try {
    const deleted = await deleteKeys(redis, data.queuePrefix);
    io.out(
      `dropped database ${describeDatabase(data.databaseUrl)}; deleted ${deleted} Redis key(s) under ${data.queuePrefix}\n`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}
