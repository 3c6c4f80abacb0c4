import { citasOverlapping, type Slot, SlotTakenError } from '@ghl-bridge/citas';
import {
  addToOutbox,
  type Cita,
  type Db,
  deleteOutboxMessage,
  type Executor,
  findCitaByExternalId,
  postgresError,
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

/** 409 for a slot already taken: by an active cita (named), or by time blocked in GHL. */
function slotTakenError(error: SlotTakenError): ApiError {
  return error.reason === 'overlap'
    ? new ApiError(409, 'conflict', error.message, { conflicting_cita_id: error.citaId })
    : new ApiError(409, 'blocked_in_ghl', error.message);
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
 * What a staff write's failure means to the client: a taken slot (checked, or lost to a
 * concurrent write in citas_no_overlap) is 409 `conflict`; an `external_id` a concurrent
 * create took first is 409 `duplicate_external_id`. Anything else is not the client's fault.
 */
export async function mapWriteError(
  db: Db,
  error: unknown,
  context: {
    slot?: Slot | undefined;
    externalId?: { locationId: string; externalId: string } | undefined;
  } = {},
): Promise<unknown> {
  if (error instanceof SlotTakenError) return slotTakenError(error);
  const pg = postgresError(error);
  if (pg?.code === '23P01') {
    // The winner is committed by now: name it, as the check would have.
    const [winner] = context.slot ? await citasOverlapping(db, context.slot, 1).catch(() => []) : [];
    return slotTakenError(new SlotTakenError('overlap', winner ?? null));
  }
  const { externalId } = context;
  if (pg?.code === '23505' && pg.constraint === 'citas_location_external_id_idx' && externalId) {
    const existing = await findCitaByExternalId(db, externalId.locationId, externalId.externalId).catch(
      () => undefined,
    );
    return duplicateExternalId(existing?.id ?? null);
  }
  return error;
}

export function duplicateExternalId(citaId: string | null): ApiError {
  return new ApiError(409, 'duplicate_external_id', 'A cita with this external_id exists in this location', {
    cita_id: citaId,
  });
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
