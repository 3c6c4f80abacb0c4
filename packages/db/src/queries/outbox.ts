import { and, eq, inArray, sql } from 'drizzle-orm';
import { outbox } from '../schema/outbox.js';
import { describeError, type Executor } from './executor.js';

export interface OutboxMessage {
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
}

/** Call inside the transaction that makes the change the job is for. */
export async function addToOutbox(tx: Executor, message: OutboxMessage): Promise<number> {
  const [row] = await tx.insert(outbox).values(message).returning({ id: outbox.id });
  if (!row) throw new Error('outbox insert returned no row');
  return row.id;
}

/** Several promises in one statement, in order; answers their ids. */
export async function addManyToOutbox(tx: Executor, messages: readonly OutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values([...messages])
    .returning({ id: outbox.id });
  return rows.map((row) => row.id);
}

/** Rows whose jobs Redis has: kept promises, gone in one statement. */
export async function deleteOutboxMessages(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await db.delete(outbox).where(inArray(outbox.id, [...ids]));
}

/** Once Redis has the job, its promise is kept and the row can go. */
export async function deleteOutboxMessage(db: Executor, id: number): Promise<void> {
  await db.delete(outbox).where(eq(outbox.id, id));
}

export async function recordOutboxError(db: Executor, id: number, error: unknown): Promise<void> {
  const lastError = describeError(error);
  await db.update(outbox).set({ lastError }).where(eq(outbox.id, id));
}

/**
 * Oldest rows first, at least `minAgeMs` old so the request that wrote them gets its own try;
 * `ids` narrows it to rows a caller just wrote.
 */
export async function pendingOutboxMessages(
  db: Executor,
  { minAgeMs = 0, limit = 100, ids }: { minAgeMs?: number; limit?: number; ids?: readonly number[] } = {},
) {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        sql`${outbox.createdAt} <= now() - make_interval(secs => ${minAgeMs / 1000})`,
        ids ? inArray(outbox.id, [...ids]) : undefined,
      ),
    )
    .orderBy(outbox.createdAt, outbox.id)
    .limit(limit);
}
