import { and, eq } from 'drizzle-orm';
import { type IdempotencyKey, idempotencyKeys } from '../schema/idempotency-keys.js';
import type { Executor } from './executor.js';

export async function findIdempotencyKey(
  db: Executor,
  apiKeyId: string,
  key: string,
): Promise<IdempotencyKey | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key)));
  return row;
}

/** Plain insert: a concurrent twin of the request fails on the primary key (23505) and rolls back. */
export async function saveIdempotencyKey(
  tx: Executor,
  row: Omit<IdempotencyKey, 'createdAt'>,
): Promise<void> {
  await tx.insert(idempotencyKeys).values(row);
}
