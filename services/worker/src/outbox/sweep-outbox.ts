import {
  deleteOutboxMessages,
  type Executor,
  pendingOutboxMessages,
  recordOutboxError,
} from '@ghl-bridge/db';
import { enqueue, isJobName, type Queues } from '@ghl-bridge/jobs';
import type { Logger } from '@ghl-bridge/observability';

export interface SweepOptions {
  /** Rows younger than this still belong to the request that wrote them. */
  minAgeMs?: number;
  /** Only these rows: a transaction that just committed enqueues the jobs it promised. */
  ids?: readonly number[];
  limit?: number;
  log?: Logger;
}

export interface SweepResult {
  enqueued: number;
  failed: number;
}

/**
 * Enqueues outbox rows left behind when Redis was unreachable at request time, then deletes
 * them. Each row carries its job id, so a row enqueued twice (by its request and by a sweep)
 * is still one job; a row that fails stays, with its error, for the next sweep.
 */
export async function sweepOutbox(
  db: Executor,
  queues: Queues,
  { minAgeMs = 10_000, limit = 500, log, ids }: SweepOptions = {},
): Promise<SweepResult> {
  const rows = await pendingOutboxMessages(db, ids ? { ids, limit: ids.length } : { minAgeMs, limit });
  const result: SweepResult = { enqueued: 0, failed: 0 };
  // Enqueued side by side (one Redis round trip each, in flight together), kept rows deleted
  // in one statement: a batch of promised jobs costs two database round trips, not one per job.
  const outcomes = await Promise.allSettled(
    rows.map(async (row) => {
      if (!isJobName(row.jobName)) throw new Error(`unknown job name: ${row.jobName}`);
      // The registry re-validates the payload; the cast only names which job it is.
      await enqueue(queues, row.jobName, row.payload as never, { jobId: row.jobId });
      return row.id;
    }),
  );
  const enqueued: number[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const row = rows[i];
    if (!row) continue;
    if (outcome.status === 'fulfilled') {
      enqueued.push(row.id);
      continue;
    }
    result.failed++;
    log?.warn({ err: outcome.reason, outboxId: row.id, jobId: row.jobId }, 'outbox row not enqueued');
    await recordOutboxError(db, row.id, outcome.reason).catch(() => {});
  }
  await deleteOutboxMessages(db, enqueued);
  result.enqueued = enqueued.length;
  if (rows.length > 0 && !ids) log?.info(result, 'outbox swept');
  return result;
}
