import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '@ghl-bridge/config';
import { Redis } from 'ioredis';
import { test as base, inject } from 'vitest';
import type {} from './provided-context.js';
import { deleteKeys } from './redis-keys.js';
import { cloneTestDatabase, dropTestDatabase } from './test-database.js';
import { generateWebhookKeys } from './webhook-signing.js';

/**
 * Environment for a test's Config: quiet logs, no worker metrics port (tests run many workers at
 * once), the file's database, the test's queue prefix.
 */
export function testEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WORKER_METRICS_PORT: '0',
    REDIS_URL: inject('redisUrl'),
    ...overrides,
  };
}

/**
 * Fixtures on the real services. Per file: a database cloned from the migrated template, a
 * Redis connection and webhook signing keys. Per test: a unique key prefix (QUEUE_PREFIX; the
 * hash tags per queue and location are added under it) whose keys are deleted afterwards, and
 * a Config that points at all of them.
 */
export const test = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }) => {
    const serverUrl = inject('databaseServerUrl');
    const database = await cloneTestDatabase(serverUrl, inject('templateDatabase'));
    onCleanup(async () => {
      await database.close();
      await dropTestDatabase(serverUrl, database.name);
    });
    return database;
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  .extend('redis', { scope: 'file' }, async ({}, { onCleanup }) => {
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null, lazyConnect: false });
    onCleanup(async () => {
      await redis.quit();
    });
    return redis;
  })
  .extend('webhookKeys', { scope: 'file' }, () => generateWebhookKeys())
  .extend('queuePrefix', async ({ redis }, { onCleanup }) => {
    const prefix = `t-${randomBytes(6).toString('hex')}`;
    onCleanup(async () => {
      await deleteKeys(redis, prefix);
    });
    return prefix;
  })
  .extend(
    'config',
    ({ database, queuePrefix, webhookKeys }): Config =>
      loadConfig(
        testEnv({
          DATABASE_URL: database.url,
          QUEUE_PREFIX: queuePrefix,
          GHL_WEBHOOK_PUBLIC_KEY: webhookKeys.ed25519.publicKey,
          GHL_WEBHOOK_RSA_PUBLIC_KEY: webhookKeys.rsa.publicKey,
        }),
      ),
  );
