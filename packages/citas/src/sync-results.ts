import { citas, type Db, lockCita } from '@ghl-bridge/db';
import { eq, sql } from 'drizzle-orm';
import { writeCitas } from './cita-writes.js';

export interface SyncSucceeded {
  ghlAppointmentId: string;
  ghlContactId?: string | undefined;
  /** GHL's `dateUpdated` of what we wrote, when GHL said it. */
  ghlDateUpdated?: Date | undefined;
  /** Attempts this version took. */
  attempts: number;
}

/**
 * GHL holds this version: store its ids whatever happened meanwhile (losing them would create
 * a duplicate in GHL on the next sync), but say `synced` only when no newer version arrived
 * during the call. One transaction, one change (`cita.synced`).
 */
export async function recordSyncSucceeded(
  db: Db,
  citaId: string,
  version: number,
  result: SyncSucceeded,
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockCita(tx, citaId);
    if (!current) return;
    const isCurrent = current.version === version;
    await writeCitas(tx, 'ghl', async (writes) => {
      await tx
        .update(citas)
        .set({
          ghlAppointmentId: result.ghlAppointmentId,
          ...(result.ghlContactId ? { ghlContactId: result.ghlContactId } : {}),
          ...(result.ghlDateUpdated ? { ghlDateUpdated: result.ghlDateUpdated } : {}),
          ...(isCurrent
            ? { syncStatus: 'synced' as const, syncError: null, syncAttempts: result.attempts }
            : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(citas.id, citaId));
      writes.touch(citaId, current, { hint: isCurrent ? 'cita.synced' : undefined, slotUnchanged: true });
    });
  });
}

/**
 * This version will not reach GHL (a permanent refusal, or retries spent): the reason stays
 * on the cita for staff, and RV3 hears `cita.sync_failed`. A newer version has its own job.
 */
export async function recordSyncFailed(
  db: Db,
  citaId: string,
  version: number,
  reason: string,
  attempts: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockCita(tx, citaId);
    if (!current || current.version !== version) return;
    await writeCitas(tx, 'ghl', async (writes) => {
      await tx
        .update(citas)
        .set({ syncStatus: 'failed', syncError: reason, syncAttempts: attempts, updatedAt: sql`now()` })
        .where(eq(citas.id, citaId));
      writes.touch(citaId, current, { hint: 'cita.sync_failed', slotUnchanged: true });
    });
  });
}
