import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/**
 * The SQL that drizzle-kit generated, committed at the top of the repository. `pnpm build` copies
 * it into dist/migrations, because a deployed package has no repository around it.
 */
const besideBuild = new URL('./migrations', import.meta.url);
export const migrationsFolder = fileURLToPath(
  existsSync(besideBuild) ? besideBuild : new URL('../../../migrations', import.meta.url),
);

/** Creates the database named in `url` when it does not exist yet (a fresh machine has none). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await sql`create database ${sql(name)}`.catch(ignoreAlreadyExists);
  } finally {
    await sql.end();
  }
}

/** Drops a `*_sandbox` database (sandbox runs start clean); any other name is refused. */
export async function dropSandboxDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.endsWith('_sandbox'))
    throw new Error(`refusing to drop ${name}: only *_sandbox databases are reset`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql`drop database if exists ${sql(name)} with (force)`;
  } finally {
    await sql.end();
  }
}

/** Applies every pending migration; processes starting together take turns (advisory lock). */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // An advisory lock keeps two processes starting together from applying the same migration twice.
    await sql`select pg_advisory_lock(hashtext('ghl-bridge:migrations'))`;
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end();
  }
}

function ignoreAlreadyExists(error: { code?: string }): void {
  // 42P04 duplicate_database: another process created it between our check and our create.
  if (error.code !== '42P04') throw error;
}
