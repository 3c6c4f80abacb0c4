import { createDatabase, type Database } from '@ghl-bridge/db';
import postgres from 'postgres';
import { newTestDatabaseName, withDatabase } from './database-names.js';

export interface TestDatabase extends Database {
  name: string;
  url: string;
}

/** A fresh database for one test file, cloned from the migrated template in milliseconds. */
export async function cloneTestDatabase(serverUrl: string, template: string): Promise<TestDatabase> {
  const name = newTestDatabaseName();
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await createWithRetry(admin, name, template);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const database = createDatabase({ url, poolSize: 5 });
  return { ...database, name, url };
}

export async function dropTestDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(name)} with (force)`;
  } finally {
    await admin.end();
  }
}

async function createWithRetry(admin: postgres.Sql, name: string, template: string): Promise<void> {
  // Postgres refuses to clone a template while another session is connected to it
  // (55006 object_in_use); those sessions are short, so a few retries suffice.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin`create database ${admin(name)} template ${admin(template)}`;
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
