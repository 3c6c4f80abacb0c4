import type { Executor } from '@ghl-bridge/db';
import { sql } from 'drizzle-orm';
import { HOLDING, overlapsSql } from './slot-queries.js';

type OverlapRow = {
  id: string;
  held: string[];
  now: string[];
};

/**
 * Each cita's recorded conflicts and the active citas it overlaps right now, rows locked.
 * A cita that holds no slot (cancelled, deleted) overlaps nothing.
 */
async function readOverlaps(tx: Executor, ids: readonly string[]): Promise<OverlapRow[]> {
  if (ids.length === 0) return [];
  const rows = await tx.execute<OverlapRow>(sql`
    select c.id, c.conflict_with::text[] as held,
      case when c.status in (${HOLDING}) and c.deleted_at is null then coalesce((
        select array_agg(o.id::text order by o.id) from citas o
        where o.id <> c.id and o.location_id = c.location_id
          and ${overlapsSql({
            calendarId: sql`c.calendar_id`,
            assignedUserId: sql`c.assigned_user_id`,
            startAt: sql`c.start_at`,
            blockedUntil: sql`c.blocked_until`,
          })}), '{}') else '{}' end::text[] as now
    from citas c
    where c.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
    order by c.id
    for update of c`);
  return [...rows];
}

/**
 * Brings `conflict_with` up to date on the given citas and on every cita they overlapped
 * before or overlap now, so a conflict is always recorded on both sides. Answers the cita ids
 * whose conflicts changed, with the set they held before.
 */
export async function settleConflicts(
  tx: Executor,
  ids: readonly string[],
  /** Citas the written ones overlapped before this transaction (their rows may already say less). */
  formerly: readonly string[] = [],
): Promise<Map<string, string[]>> {
  const first = await readOverlaps(tx, ids);
  const seen = new Set(ids);
  const neighbours = new Set(formerly.filter((id) => !seen.has(id)));
  for (const row of first) for (const id of [...row.held, ...row.now]) if (!seen.has(id)) neighbours.add(id);
  const rows = [...first, ...(await readOverlaps(tx, [...neighbours]))];
  const stale = rows.filter((row) => !sameSet(row.held, row.now));
  if (stale.length > 0)
    await tx.execute(sql`
      update citas c set conflict_with = v.now, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(stale)}::jsonb) as v(id uuid, now uuid[])
      where c.id = v.id`);
  return new Map(stale.map((row) => [row.id, row.held]));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
