import {
  addToOutbox,
  type Cita,
  type Db,
  deleteOutboxMessage,
  type Executor,
  findOverlappingCita,
  postgresError,
  type SlotQuery,
} from '@ghl-bridge/db';
import { citaSyncJobId, enqueue, type Queues } from '@ghl-bridge/jobs';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';

export interface StaffDeps {
  db: Db;
  queues: Queues;
  /** How long a request waits for Redis before leaving the job to the outbox sweeper. */
  enqueueTimeoutMs: number;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
}

export function conflictError(conflictingId: string | null): ApiError {
  return new ApiError(409, 'conflict', 'The cita overlaps another active cita on this calendar and user', {
    conflicting_cita_id: conflictingId,
  });
}

/** Names the conflicting cita, or fails with 409 before the insert (the common, cheap case). */
export async function assertSlotFree(tx: Executor, slot: SlotQuery): Promise<void> {
  const clash = await findOverlappingCita(tx, slot);
  if (clash) throw conflictError(clash.id);
}

/**
 * Concurrent writes of overlapping slots wait on each other in the exclusion constraint, and
 * Postgres may break such a wait as a deadlock (40P01), aborting one of them. Running it again
 * lets it see the winner and answer 409 (or succeed, if the winner rolled back): a race is never
 * a 500.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (postgresError(error)?.code !== '40P01' || attempt >= attempts) throw error;
    }
  }
}

/**
 * A write that lost the race to a concurrent one hits `citas_no_overlap` (23P01): the same 409,
 * with the winner looked up after the fact. Anything else is not the client's fault.
 */
export async function mapWriteError(db: Db, error: unknown, slot: SlotQuery | undefined): Promise<unknown> {
  if (postgresError(error)?.code !== '23P01') return error;
  const winner = slot ? await findOverlappingCita(db, slot).catch(() => undefined) : undefined;
  return conflictError(winner?.id ?? null);
}

/** Inside the cita's transaction: the promise of a sync job, kept even if Redis is away. */
export function promiseSync(tx: Executor, cita: Cita, requestId: string): Promise<number> {
  return addToOutbox(tx, {
    jobName: 'cita.sync',
    jobId: citaSyncJobId(cita.id, cita.version),
    payload: { citaId: cita.id, version: cita.version, requestId },
  });
}

/**
 * After commit: hand the job to Redis and drop its outbox row. A failure here is logged, not
 * answered: the cita is stored and the worker's sweeper will enqueue the row.
 */
export async function enqueueSync(
  deps: StaffDeps,
  log: FastifyBaseLogger,
  outboxId: number,
  cita: Cita,
  requestId: string,
): Promise<void> {
  const jobId = citaSyncJobId(cita.id, cita.version);
  try {
    await withDeadline(
      enqueue(deps.queues, 'cita.sync', { citaId: cita.id, version: cita.version, requestId }, { jobId }),
      deps.enqueueTimeoutMs,
      'enqueue cita.sync',
    );
  } catch (error) {
    log.warn({ err: error, jobId, outboxId }, 'cita.sync not enqueued; the outbox sweeper will');
    return;
  }
  await deleteOutboxMessage(deps.db, outboxId).catch((error: unknown) =>
    log.warn(
      { err: error, outboxId },
      'outbox row kept after enqueue; the sweeper will re-add the same job id',
    ),
  );
}
