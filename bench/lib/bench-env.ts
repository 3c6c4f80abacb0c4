import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { ensureDatabase, runMigrations } from '@ghl-bridge/db';
import { createRedis, type RedisClient } from '@ghl-bridge/redis';
import postgres from 'postgres';

export { deleteKeys } from '@ghl-bridge/redis';

export const REDIS_URL = 'redis://127.0.0.1:6379';
const POSTGRES = 'postgres://postgres@127.0.0.1:5432';

/** Only databases named like this are ever created or dropped by a bench. */
const BENCH_DB = /^ghl_bench_[a-z0-9_]+$/;

/** A fresh, migrated `ghl_bench_<name>` database: dropped first, so every run starts empty. */
export async function benchDatabase(name: string): Promise<string> {
  const url = `${POSTGRES}/ghl_bench_${name}`;
  await dropBenchDatabase(url);
  await ensureDatabase(url);
  await runMigrations(url);
  return url;
}

export async function dropBenchDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!BENCH_DB.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  const sql = postgres(`${POSTGRES}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await sql`drop database if exists ${sql(name)} with (force)`;
  } finally {
    await sql.end();
  }
}

/** A key namespace (QUEUE_PREFIX) of its own; the services add the hash tags under it. */
export function benchPrefix(): string {
  return `bench-${randomBytes(4).toString('hex')}`;
}

/** A client of the shared Redis (or of `settings`), built as the services build theirs. */
export function newRedis(
  options: { worker?: boolean } = {},
  settings = { url: REDIS_URL, tls: false },
): RedisClient {
  return createRedis(settings, options.worker ? 'worker' : 'command');
}

/** A port nothing listens on right now, for a child server that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The environment a service process needs to talk to the GHL sandbox, on this bench's own
 * database and queue prefix, with GHL's burst budget raised unless the bench is about budgets.
 */
export function sandboxEnv(
  sandbox: { url: string; clientId: string; clientSecret: string },
  databaseUrl: string,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    GHL_API_BASE_URL: sandbox.url,
    GHL_CLIENT_ID: sandbox.clientId,
    GHL_CLIENT_SECRET: sandbox.clientSecret,
    GHL_RATE_LIMIT_BURST: '100000',
    ...extra,
  };
}
