import {
  type CitaChange,
  type CitaChangeKind,
  citaChanges,
  type Db,
  type Executor,
  feedHead,
} from '@ghl-bridge/db';
import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';

/**
 * Gives feed positions to committed changes that have none, in `seq` order, after the last
 * position given. Runs under the head row's lock, so sequencers take turns and each one's
 * positions follow the previous one's; a change is positioned only once committed, so a
 * reader that has passed a position can never find a smaller one appear later. Within one
 * cita, `seq` order is commit order (the cita's row lock is held while seq is drawn), so the
 * feed keeps each cita's changes in the order they happened.
 *
 * `wait: false` skips when another sequencer holds the head (it will position what we would).
 * Answers how many changes got a position.
 */
export async function sequenceChanges(db: Db, { limit = 5000, wait = true } = {}): Promise<number> {
  // Most calls (a feed poll, an idle dispatcher) find nothing to do: one indexed read then,
  // not a transaction that locks (and so writes) the head row. A change committed just after
  // this look is positioned by the next call, as one committed after the lock would be.
  const [unsequenced] = await db
    .select({ seq: citaChanges.seq })
    .from(citaChanges)
    .where(isNull(citaChanges.position))
    .limit(1);
  if (!unsequenced) return 0;
  return db.transaction(async (tx) => {
    const [head] = await tx
      .select({ position: feedHead.position })
      .from(feedHead)
      .where(eq(feedHead.id, 1))
      .for('update', wait ? {} : { skipLocked: true });
    if (!head) return 0;
    // A statement of its own: under READ COMMITTED it sees every change committed by now.
    const pending = await tx
      .select({ seq: citaChanges.seq })
      .from(citaChanges)
      .where(isNull(citaChanges.position))
      .orderBy(asc(citaChanges.seq))
      .limit(limit);
    if (pending.length === 0) return 0;
    const seqs = pending.map((p) => p.seq);
    await tx.execute(sql`
      update cita_changes c set position = ${head.position} + n.rank
      from (select s.seq, row_number() over (order by s.seq) as rank
            from unnest(${sql.raw(`'{${seqs.join(',')}}'::bigint[]`)}) as s(seq)) n
      where c.seq = n.seq`);
    await tx
      .update(feedHead)
      .set({ position: head.position + seqs.length })
      .where(eq(feedHead.id, 1));
    return seqs.length;
  });
}

export interface FeedQuery {
  /** Only changes after this position. */
  after: number;
  limit: number;
  locationIds: readonly string[];
  kinds?: readonly CitaChangeKind[] | undefined;
}

export interface FeedPage {
  changes: CitaChange[];
  /**
   * Set when changes right after `after` were pruned (older than the retention): the reader
   * missed them, so it must resync (list by `updated_since`) and read on from `nextPosition`.
   */
  expired: boolean;
  /** The position to pass next: the last change's, or the head when nothing more matched. */
  nextPosition: number;
  /** The last position given out; a cursor beyond it was never issued. */
  head: number;
}

/**
 * One page of positioned changes, read in one snapshot with the head. When fewer than
 * `limit` match, every position up to the head has been looked at, so the next cursor moves
 * to the head and a filtered reader does not scan the same rows again.
 */
export async function readChanges(db: Db, query: FeedQuery): Promise<FeedPage> {
  return db.transaction(
    async (tx) => {
      const head = await feedHeadPosition(tx);
      // Positions are given without gaps, so one missing right after `after` was pruned.
      const [oldest] = await tx
        .select({ position: sql<number | null>`min(${citaChanges.position})` })
        .from(citaChanges);
      const firstKept = Number(oldest?.position ?? head + 1);
      if (query.after < firstKept - 1)
        return { changes: [], expired: true, nextPosition: firstKept - 1, head };
      if (query.locationIds.length === 0)
        return { changes: [], expired: false, nextPosition: query.after, head };
      const changes = await tx
        .select()
        .from(citaChanges)
        .where(
          and(
            gt(citaChanges.position, query.after),
            lte(citaChanges.position, head),
            inArray(citaChanges.locationId, [...query.locationIds]),
            query.kinds?.length ? inArray(citaChanges.kind, [...query.kinds]) : undefined,
          ),
        )
        .orderBy(asc(citaChanges.position))
        .limit(query.limit);
      const last = changes.at(-1)?.position;
      const nextPosition = changes.length < query.limit ? Math.max(head, query.after) : (last ?? query.after);
      return { changes, expired: false, nextPosition, head };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export async function feedHeadPosition(db: Executor): Promise<number> {
  const [head] = await db.select({ position: feedHead.position }).from(feedHead).where(eq(feedHead.id, 1));
  return head?.position ?? 0;
}

/** Where a reader with no cursor starts: just before the oldest change still kept. */
export async function feedStart(db: Executor): Promise<number> {
  const [oldest] = await db
    .select({ position: sql<number | null>`min(${citaChanges.position})` })
    .from(citaChanges);
  return oldest?.position == null ? await feedHeadPosition(db) : Number(oldest.position) - 1;
}

/**
 * Retention: the oldest changes go, up to the first one that must stay: one written after
 * `cutoff`, one not yet fanned out to RV3's endpoints, or one a delivery still waits on. The
 * kept changes are always every position after some point, so a feed cursor from before the
 * oldest kept change reads as expired, never as a silent gap.
 */
export async function pruneChanges(db: Executor, cutoff: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.execute(sql`
      delete from cita_changes where seq in (
        select seq from cita_changes
        where position <= least(
          coalesce((select min(position) - 1 from cita_changes
                    where position is not null and at >= ${cutoff.toISOString()}::timestamptz),
                   (select position from feed_head where id = 1)),
          (select position from notification_cursor where id = 1),
          coalesce((select min(position) - 1 from notification_deliveries
                    where status in ('pending', 'queued')), 9223372036854775807))
        order by position
        limit ${batch})`);
    const count = deleted.count ?? 0;
    total += count;
    if (count < batch) return total;
  }
}
