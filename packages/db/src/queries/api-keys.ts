import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type ApiKey, apiKeys } from '../schema/api-keys.js';
import type { Executor } from './executor.js';

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
const KEY_PREFIX = 'ghlb_';

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a key; the secret is returned here only, and only its hash is stored. */
export async function createApiKey(
  db: Executor,
  input: { name: string; locationIds: readonly string[] },
): Promise<{ apiKey: ApiKey; secret: string }> {
  const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [apiKey] = await db
    .insert(apiKeys)
    .values({
      name: input.name,
      keyHash: hashApiKey(secret),
      keyPrefix: secret.slice(0, KEY_PREFIX.length + 6),
      locationIds: [...input.locationIds],
    })
    .returning();
  if (!apiKey) throw new Error('api key insert returned no row');
  return { apiKey, secret };
}

export async function listApiKeys(db: Executor): Promise<ApiKey[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

/** True when a live key was revoked; false when there is no such key or it was revoked before. */
export async function revokeApiKey(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** The live key with this secret, if any. A lookup by hash: nothing secret is compared in JS. */
export async function findApiKeyBySecret(db: Executor, secret: string): Promise<ApiKey | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(secret)), isNull(apiKeys.revokedAt)));
  return row;
}
