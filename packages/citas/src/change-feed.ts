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
      if (query.locationIds.length === 0) return { changes: [], nextPosition: query.after, head };
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
      return { changes, nextPosition, head };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export async function feedHeadPosition(db: Executor): Promise<number> {
  const [head] = await db.select({ position: feedHead.position }).from(feedHead).where(eq(feedHead.id, 1));
  return head?.position ?? 0;
}
