import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@ghl-bridge/config';
import { migrationsFolder, runMigrations } from '@ghl-bridge/db';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { TEST_DATABASE_PREFIX, withDatabase } from './database-names.js';
import type {} from './provided-context.js';

/** Test databases left behind by a killed run are dropped once they are this old. */
const STALE_AFTER_SECONDS = 2 * 60 * 60;

/**
 * Runs once per `vitest run`: migrates a template database (named after a hash of migrations/,
 * so a changed migration builds a new one and an unchanged one is reused) and sweeps leftovers.
 */
export default async function setup(project: TestProject): Promise<void> {
  const config = loadConfig(process.env);
  const admin = postgres(withDatabase(config.database.url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const template = `ghlb_tpl_${await migrationsHash()}`;
    await admin`select pg_advisory_lock(hashtext('ghl-bridge:test-template'))`;
    const [exists] = await admin`select 1 as found from pg_database where datname = ${template}`;
    if (!exists) await buildTemplate(admin, config.database.url, template);
    // Stamped with its last use, not its build: another checkout may still be cloning an older
    // one it keeps using, and only templates nobody used for a while are dropped.
    await admin.unsafe(`comment on database "${template}" is '${Math.floor(Date.now() / 1000)}'`);
    await dropStale(admin);
    project.provide('templateDatabase', template);
    project.provide('databaseServerUrl', config.database.url);
    project.provide('redisUrl', config.redis.url);
  } catch (error) {
    throw new Error(
      `Test setup could not prepare PostgreSQL at ${withDatabase(config.database.url, 'postgres')}: ${String(error)}.\n` +
        'Start it (npm test does so when it is installed) or run: docker compose up -d postgres redis',
    );
  } finally {
    await admin.end();
  }
}

async function buildTemplate(admin: postgres.Sql, serverUrl: string, template: string): Promise<void> {
  // Build under a scratch name and rename at the end, so a run killed mid-migration never
  // leaves a half-migrated template that later runs would trust.
  const scratch = `${template}_build`;
  await admin`drop database if exists ${admin(scratch)} with (force)`;
  await admin`create database ${admin(scratch)}`;
  await runMigrations(withDatabase(serverUrl, scratch));
  await admin`alter database ${admin(scratch)} rename to ${admin(template)}`;
  // Older templates belong to older migrations. Another checkout (a branch with other
  // migrations) may still be cloning one, so only those not used for long are dropped.
  const old = await admin`
    select datname, shobj_description(oid, 'pg_database') as used from pg_database
    where datname like 'ghlb\_tpl\_%' and datname <> ${template}`;
  const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_SECONDS;
  for (const { datname, used } of old) {
    if (!(Number(used) >= cutoff)) await admin`drop database if exists ${admin(datname)} with (force)`;
  }
}

async function dropStale(admin: postgres.Sql): Promise<void> {
  const rows = await admin`select datname from pg_database where datname like ${`${TEST_DATABASE_PREFIX}%`}`;
  const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_SECONDS;
  for (const { datname } of rows) {
    const createdAt = Number(String(datname).split('_')[2]);
    if (Number.isFinite(createdAt) && createdAt < cutoff) {
      await admin`drop database if exists ${admin(datname)} with (force)`;
    }
  }
}

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(migrationsFolder, { recursive: true }))
    .filter((f) => f.endsWith('.sql') || f.endsWith('.json'))
    .sort();
  for (const file of files) hash.update(file).update(await readFile(join(migrationsFolder, file)));
  return hash.digest('hex').slice(0, 12);
}
