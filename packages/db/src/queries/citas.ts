import { and, asc, eq, getTableColumns, gt, gte, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
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

export async function findCitaByExternalId(
  db: Executor,
  locationId: string,
  externalId: string,
): Promise<Cita | undefined> {
  const [row] = await db
    .select()
    .from(citas)
    .where(and(eq(citas.locationId, locationId), eq(citas.externalId, externalId)));
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

/** Active citas on a calendar whose claimed range (buffer included) meets `range`. */
export async function activeCitasMeeting(
  db: Executor,
  calendarId: string,
  range: { start: Date; end: Date },
): Promise<Cita[]> {
  return db
    .select()
    .from(citas)
    .where(
      and(
        eq(citas.calendarId, calendarId),
        inArray(citas.status, [...SLOT_HOLDING_STATUSES]),
        isNull(citas.deletedAt),
        lt(citas.startAt, range.end),
        gt(citas.blockedUntil, range.start),
      ),
    );
}

export interface CitaFilters {
  locationIds: readonly string[];
  calendarId?: string | undefined;
  externalId?: string | undefined;
  /** True: only citas in conflict; false: only citas not in conflict. */
  conflict?: boolean | undefined;
  /** Citas changed at or after. */
  updatedSince?: Date | undefined;
  /** Citas deleted in GHL are left out unless set. */
  includeDeleted?: boolean | undefined;
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

/** Tombstoned citas are left out unless asked for; pages are ordered by (start_at, id), stable under inserts. */
export async function listCitas(db: Executor, filters: CitaFilters): Promise<Cita[]> {
  if (filters.locationIds.length === 0) return [];
  const conditions: Array<SQL | undefined> = [
    inArray(citas.locationId, [...filters.locationIds]),
    filters.includeDeleted ? undefined : isNull(citas.deletedAt),
    filters.calendarId ? eq(citas.calendarId, filters.calendarId) : undefined,
    filters.externalId ? eq(citas.externalId, filters.externalId) : undefined,
    filters.conflict === undefined
      ? undefined
      : filters.conflict
        ? sql`cardinality(${citas.conflictWith}) > 0`
        : sql`cardinality(${citas.conflictWith}) = 0`,
    filters.updatedSince ? gte(citas.updatedAt, filters.updatedSince) : undefined,
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
