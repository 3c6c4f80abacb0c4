import {
  and,
  asc,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  isNull,
  lt,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import {
  type Cita,
  type CitaStatus,
  type CitaSyncStatus,
  citas,
  type NewCita,
  SLOT_HOLDING_STATUSES,
} from '../schema/citas.js';
import type { Executor } from './executor.js';

export const isSlotHolding = (status: CitaStatus): boolean =>
  (SLOT_HOLDING_STATUSES as readonly string[]).includes(status);

export async function findCitaById(db: Executor, id: string): Promise<Cita | undefined> {
  const [row] = await db.select().from(citas).where(eq(citas.id, id));
  return row;
}

/** Locks the row until the transaction ends, so concurrent edits of one cita take turns. */
export async function lockCita(tx: Executor, id: string): Promise<Cita | undefined> {
  const [row] = await tx.select().from(citas).where(eq(citas.id, id)).for('update');
  return row;
}

export async function insertCita(tx: Executor, values: NewCita): Promise<Cita> {
  const [row] = await tx.insert(citas).values(values).returning();
  if (!row) throw new Error('cita insert returned no row');
  return row;
}

/** Every change bumps `version`, which names the sync job and orders concurrent writers. */
export async function updateCita(
  tx: Executor,
  id: string,
  patch: Partial<Omit<NewCita, 'id' | 'version' | 'createdAt'>>,
): Promise<Cita> {
  const [row] = await tx
    .update(citas)
    .set({ ...patch, version: sql`${citas.version} + 1`, updatedAt: sql`now()` })
    .where(eq(citas.id, id))
    .returning();
  if (!row) throw new Error(`cita ${id} vanished while locked`);
  return row;
}

export interface SlotQuery {
  calendarId: string;
  assignedUserId: string | null;
  startAt: Date;
  blockedUntil: Date;
  /** The cita being moved, which cannot conflict with itself. */
  excludeId?: string;
}

/**
 * A slot-holding cita whose range meets this one, under the same rule as the
 * `citas_no_overlap` constraint: the constraint is the guarantee, this names the culprit.
 */
export async function findOverlappingCita(db: Executor, slot: SlotQuery): Promise<Cita | undefined> {
  const conditions: SQL[] = [
    eq(citas.calendarId, slot.calendarId),
    sql`coalesce(${citas.assignedUserId}, '') = ${slot.assignedUserId ?? ''}`,
    inArray(citas.status, [...SLOT_HOLDING_STATUSES]),
    isNull(citas.deletedAt),
    sql`tstzrange(${citas.startAt}, ${citas.blockedUntil}, '[)') && tstzrange(${slot.startAt.toISOString()}::timestamptz, ${slot.blockedUntil.toISOString()}::timestamptz, '[)')`,
  ];
  if (slot.excludeId) conditions.push(ne(citas.id, slot.excludeId));
  const [row] = await db
    .select()
    .from(citas)
    .where(and(...conditions))
    .orderBy(asc(citas.startAt))
    .limit(1);
  return row;
}

export interface CitaFilters {
  locationIds: readonly string[];
  calendarId?: string | undefined;
  statuses?: readonly CitaStatus[] | undefined;
  syncStatuses?: readonly CitaSyncStatus[] | undefined;
  /** Citas starting at or after. */
  from?: Date | undefined;
  /** Citas starting before. */
  to?: Date | undefined;
  /** Keyset cursor: the (start_at, id) of the last row already seen. */
  after?: { startAt: Date; id: string } | undefined;
  limit: number;
}

/** Tombstoned citas are left out; pages are ordered by (start_at, id), stable under inserts. */
export async function listCitas(db: Executor, filters: CitaFilters): Promise<Cita[]> {
  if (filters.locationIds.length === 0) return [];
  const conditions: Array<SQL | undefined> = [
    inArray(citas.locationId, [...filters.locationIds]),
    isNull(citas.deletedAt),
    filters.calendarId ? eq(citas.calendarId, filters.calendarId) : undefined,
    filters.statuses?.length ? inArray(citas.status, [...filters.statuses]) : undefined,
    filters.syncStatuses?.length ? inArray(citas.syncStatus, [...filters.syncStatuses]) : undefined,
    filters.from ? gte(citas.startAt, filters.from) : undefined,
    filters.to ? lt(citas.startAt, filters.to) : undefined,
    filters.after
      ? or(
          gt(citas.startAt, filters.after.startAt),
          and(eq(citas.startAt, filters.after.startAt), gt(citas.id, filters.after.id)),
        )
      : undefined,
  ];
  return db
    .select()
    .from(citas)
    .where(and(...conditions))
    .orderBy(asc(citas.startAt), asc(citas.id))
    .limit(filters.limit);
}

const CITA_COLUMNS = Object.entries(getTableColumns(citas));

/** A `citas` row read with raw SQL (column names, driver values) as drizzle's typed `Cita`. */
export function citaFromRow(row: Record<string, unknown>): Cita {
  const cita: Record<string, unknown> = {};
  for (const [field, column] of CITA_COLUMNS) {
    const value = row[column.name];
    cita[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return cita as Cita;
}
