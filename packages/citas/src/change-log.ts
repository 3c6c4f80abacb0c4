import type { CitaChangeKind, CitaChangeOrigin, Executor } from '@ghl-bridge/db';
import { sql } from 'drizzle-orm';

/** Notified (at commit) by every transaction that appended changes: the sequencer wakes on it. */
export const CHANGES_CHANNEL = 'ghlb_cita_changes';

export interface ChangeEntry {
  citaId: string;
  kind: CitaChangeKind;
  changed: string[];
}

/**
 * Appends one change row per entry, in order, and notifies the sequencer once. Runs inside the
 * transaction of the writes: a change exists exactly when its write committed. The snapshot is
 * the row itself, taken by PostgreSQL (to_jsonb), so a batch's citas never travel twice.
 */
export async function appendChanges(
  tx: Executor,
  origin: CitaChangeOrigin,
  entries: readonly ChangeEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((entry, ord) => ({ ord, ...entry }));
  await tx.execute(sql`
    with added as (
      insert into cita_changes (cita_id, location_id, kind, origin, changed, cita, version)
      select c.id, c.location_id, r.kind::cita_change_kind, ${origin}::cita_change_origin, r.changed,
             to_jsonb(c), c.version
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        ord int, "citaId" uuid, kind text, changed text[])
      join citas c on c.id = r."citaId"
      order by r.ord
      returning 1)
    select pg_notify(${CHANGES_CHANNEL}, '') where exists (select 1 from added)`);
}
