import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { feedHead } from '../schema/cita-changes.js';
import { notificationDeliveries } from '../schema/notification-deliveries.js';
import { type Executor, postgresError } from './executor.js';

/** A delivery just put in the queue: its job is `(id, generation)`. */
export interface QueuedDelivery {
  id: number;
  generation: number;
}

export type FanOutResult = { busy: true } | { busy: false; after: number; upTo: number; deliveries: number };

/**
 * Fans the next positioned changes (up to `batch`) out to the live endpoints they match, one
 * delivery per (endpoint, change), and moves the cursor past them. The cursor row is locked for
 * the transaction; when another dispatcher holds it this answers `busy` at once.
 */
export async function fanOutChanges(db: Db, { batch = 5000 } = {}): Promise<FanOutResult> {
  return db.transaction(async (tx) => {
    const [cursor] = await tx.execute<{ position: string }>(
      sql`select position from notification_cursor where id = 1 for update skip locked`,
    );
    if (!cursor) return { busy: true };
    const after = Number(cursor.position);
    const [head] = await tx.select({ position: feedHead.position }).from(feedHead).where(eq(feedHead.id, 1));
    // Positions are dense (the sequencer hands them out one after another), so a range is a batch.
    const upTo = Math.min(head?.position ?? 0, after + batch);
    if (upTo <= after) return { busy: false, after, upTo: after, deliveries: 0 };
    const inserted = await tx.execute<{ id: number }>(sql`
      insert into notification_deliveries (endpoint_id, change_seq, position, cita_id)
      select e.id, c.seq, c.position, c.cita_id
      from cita_changes c
      join notification_endpoints e
        on e.disabled_at is null
        and c.location_id = any(e.location_ids)
        and (cardinality(e.kinds) = 0 or c.kind = any(e.kinds))
      where c.position > ${after} and c.position <= ${upTo}
      order by c.position
      on conflict (endpoint_id, change_seq) do nothing
      returning id`);
    await tx.execute(sql`update notification_cursor set position = ${upTo} where id = 1`);
    return { busy: false, after, upTo, deliveries: inserted.length };
  });
}

/** Which (endpoint, cita) lanes a release looks at. */
export type ReleaseScope =
  /** Lanes of the changes positioned in (after, upTo]: what a fan-out just added. */
  | { positions: { after: number; upTo: number } }
  /** Every lane of one endpoint (a replay). */
  | { endpointId: string }
  /**
   * Every lane: the periodic sweep. A finish releases its lane's next delivery in the same
   * statement, but a fan-out or a replay commits first and releases after: a crash between the
   * two leaves lanes waiting until this finds them.
   */
  | { all: true };

/**
 * Queues the earliest pending delivery of each lane in scope that has none queued, and answers
 * them (their jobs still have to be added). A lane never has two queued: the partial unique
 * index refuses a second, and a release that meets it (a replay raced us) looks again.
 */
export async function releaseDeliveries(
  db: Executor,
  scope: ReleaseScope,
  limit = 5000,
): Promise<QueuedDelivery[]> {
  const where =
    'positions' in scope
      ? sql`d.cita_id in (select cita_id from cita_changes
          where position > ${scope.positions.after} and position <= ${scope.positions.upTo})`
      : 'endpointId' in scope
        ? sql`d.endpoint_id = ${scope.endpointId}`
        : sql`true`;
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await db.execute<{ id: string | number; generation: number }>(sql`
        with heads as (
          select distinct on (d.endpoint_id, d.cita_id) d.id
          from notification_deliveries d
          where d.status = 'pending' and ${where}
            and not exists (
              select 1 from notification_deliveries q
              where q.endpoint_id = d.endpoint_id and q.cita_id = d.cita_id and q.status = 'queued')
          order by d.endpoint_id, d.cita_id, d.position
          limit ${limit})
        update notification_deliveries d
        set status = 'queued', queued_at = now(), next_attempt_at = null
        from heads h
        where d.id = h.id and d.status = 'pending'
        returning d.id, d.generation`);
      return rows.map((r) => ({ id: Number(r.id), generation: r.generation }));
    } catch (error) {
      if (postgresError(error)?.code !== '23505' || attempt >= 5) throw error;
    }
  }
}

/**
 * Queued deliveries nothing has touched for `idleMs`: their job may have been lost (Redis
 * restarted without its data, or the enqueue after a release failed). Waiting retries are not
 * idle until their time has passed.
 */
export async function idleQueuedDeliveries(
  db: Executor,
  idleMs: number,
  limit = 1000,
): Promise<QueuedDelivery[]> {
  return db
    .select({ id: notificationDeliveries.id, generation: notificationDeliveries.generation })
    .from(notificationDeliveries)
    .where(
      sql`${notificationDeliveries.status} = 'queued' and greatest(${notificationDeliveries.queuedAt},
        ${notificationDeliveries.lastAttemptAt}, ${notificationDeliveries.nextAttemptAt})
        < now() - make_interval(secs => ${idleMs / 1000})`,
    )
    .orderBy(notificationDeliveries.id)
    .limit(limit);
}

/** Fails a queued delivery without an attempt (its endpoint was disabled under it). */
export async function failQueuedDelivery(db: Executor, d: QueuedDelivery, reason: string): Promise<void> {
  await db.execute(sql`
    update notification_deliveries set status = 'failed', failed_at = now(), next_attempt_at = null,
      last_error = ${reason}
    where id = ${d.id} and generation = ${d.generation} and status = 'queued'`);
}

/**
 * Puts every change since `since` that the endpoint matches back in line for it: delivered and
 * failed deliveries become pending again in a new generation (same webhook-id, fresh attempts),
 * changes it never had get a delivery; those still pending or queued are on their way already.
 * Answers how many deliveries were (re)armed.
 */
export async function replayDeliveries(db: Executor, endpointId: string, since: Date): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    insert into notification_deliveries (endpoint_id, change_seq, position, cita_id)
    select e.id, c.seq, c.position, c.cita_id
    from notification_endpoints e
    join cita_changes c
      on c.location_id = any(e.location_ids)
      and (cardinality(e.kinds) = 0 or c.kind = any(e.kinds))
    where e.id = ${endpointId} and c.position is not null
      and c.position <= (select position from notification_cursor where id = 1)
      and c.at >= ${since.toISOString()}::timestamptz
    order by c.position
    on conflict (endpoint_id, change_seq) do update set
      status = 'pending', generation = notification_deliveries.generation + 1, attempts = 0,
      queued_at = null, next_attempt_at = null, delivered_at = null, failed_at = null
    where notification_deliveries.status in ('delivered', 'failed')
    returning id`);
  return rows.length;
}
