import { type Executor, SLOT_HOLDING_STATUSES } from '@ghl-bridge/db';
import { sql } from 'drizzle-orm';

/** The time a cita claims on its calendar, buffer included. */
export interface Slot {
  locationId: string;
  calendarId: string;
  /** Null: no one assigned, which GHL treats as the whole calendar. */
  assignedUserId: string | null;
  startAt: Date;
  blockedUntil: Date;
  /** The cita being moved, which cannot conflict with itself. */
  excludeId?: string | undefined;
}

/** The statuses that hold a slot, as an SQL list. */
export const HOLDING = sql.raw(SLOT_HOLDING_STATUSES.map((s) => `'${s}'`).join(', '));

/**
 * Overlap as GHL sees it, between cita `o` and a slot's columns named by `slot`: the same
 * calendar, ranges that meet, and the same assigned user, where a cita without one stands for
 * the whole calendar. A zero-length range meets nothing. The exclusion constraint
 * `citas_no_overlap` is the narrower rule (an unassigned cita only meets unassigned ones);
 * this one is what conflicts are flagged and staff bookings refused by.
 */
export const overlapsSql = (slot: {
  calendarId: unknown;
  assignedUserId: unknown;
  startAt: unknown;
  blockedUntil: unknown;
}) => sql`
  o.calendar_id = ${slot.calendarId}
  and (${slot.assignedUserId}::text is null or o.assigned_user_id is null or o.assigned_user_id = ${slot.assignedUserId})
  and o.start_at < ${slot.blockedUntil} and o.blocked_until > ${slot.startAt}
  and tstzrange(o.start_at, o.blocked_until, '[)') && tstzrange(${slot.startAt}, ${slot.blockedUntil}, '[)')
  and o.status in (${HOLDING}) and o.deleted_at is null`;

/** Active citas a slot would overlap, oldest start first. */
export async function citasOverlapping(db: Executor, slot: Slot, limit = 50): Promise<string[]> {
  const startAt = slot.startAt.toISOString();
  const blockedUntil = slot.blockedUntil.toISOString();
  const rows = await db.execute<{ id: string }>(sql`
    select o.id from citas o
    where o.location_id = ${slot.locationId}
      and ${overlapsSql({
        calendarId: slot.calendarId,
        assignedUserId: slot.assignedUserId,
        startAt: sql`${startAt}::timestamptz`,
        blockedUntil: sql`${blockedUntil}::timestamptz`,
      })}
      ${slot.excludeId ? sql`and o.id <> ${slot.excludeId}` : sql``}
    order by o.start_at, o.id
    limit ${limit}`);
  return rows.map((r) => r.id);
}

/** A block made in GHL that the slot would land on: one on its calendar, or one on its user's time. */
export async function blockedSlotOverlapping(db: Executor, slot: Slot): Promise<string | undefined> {
  const rows = await db.execute<{ id: string }>(sql`
    select b.id from ghl_blocked_slots b
    where b.location_id = ${slot.locationId} and b.deleted_at is null
      and ((b.calendar_id = ${slot.calendarId}
            and (b.assigned_user_id is null or ${slot.assignedUserId}::text is null
                 or b.assigned_user_id = ${slot.assignedUserId}))
           or (b.calendar_id is null and b.assigned_user_id = ${slot.assignedUserId}))
      and b.start_at < ${slot.blockedUntil.toISOString()}::timestamptz
      and b.end_at > ${slot.startAt.toISOString()}::timestamptz
    limit 1`);
  return rows[0]?.id;
}

/** Slots proposed by a batch of writes, by position in the batch. */
export type ProposedSlot = Slot & { i: number };

/** For each proposed slot, the active citas it would overlap: one query for a whole batch. */
export async function citasOverlappingEach(
  db: Executor,
  slots: readonly ProposedSlot[],
): Promise<Map<number, string[]>> {
  if (slots.length === 0) return new Map();
  const rows = await db.execute<{ i: number; ids: string[] }>(sql`
    select e.i, coalesce((
      select array_agg(o.id::text order by o.id) from citas o
      where o.location_id = e."locationId" and (e."excludeId" is null or o.id <> e."excludeId")
        and ${overlapsSql({
          calendarId: sql`e."calendarId"`,
          assignedUserId: sql`e."assignedUserId"`,
          startAt: sql`e."startAt"`,
          blockedUntil: sql`e."blockedUntil"`,
        })}), '{}')::text[] as ids
    from jsonb_to_recordset(${JSON.stringify(slots)}::jsonb) as e(
      i int, "locationId" text, "calendarId" text, "assignedUserId" text,
      "startAt" timestamptz, "blockedUntil" timestamptz, "excludeId" uuid)`);
  return new Map(rows.map((row) => [row.i, row.ids]));
}
