import { type Cita, type Executor, insertCita, type NewCita, updateCita } from '@ghl-bridge/db';
import { writeCitas } from './cita-writes.js';
import { blockedSlotOverlapping, citasOverlapping, type Slot } from './slot-queries.js';

/** A staff booking or move refused because its time is taken. */
export class SlotTakenError extends Error {
  override readonly name = 'SlotTakenError';
  constructor(
    readonly reason: 'overlap' | 'blocked_in_ghl',
    /** The cita it would overlap, when the reason is an overlap. */
    readonly citaId: string | null,
  ) {
    super(
      reason === 'overlap'
        ? 'The cita overlaps another active cita on this calendar and user'
        : 'The time is blocked in GHL for this calendar or user',
    );
  }
}

/**
 * Staff bookings are the ones we validate: refused on any active cita (GHL's or ours) or time
 * blocked in GHL. Postgres has the last word between two staff writes (citas_no_overlap).
 */
export async function assertSlotFree(tx: Executor, slot: Slot): Promise<void> {
  const [clash] = await citasOverlapping(tx, slot, 1);
  if (clash) throw new SlotTakenError('overlap', clash);
  if (await blockedSlotOverlapping(tx, slot)) throw new SlotTakenError('blocked_in_ghl', null);
}

export type StaffCitaValues = Omit<
  NewCita,
  'id' | 'source' | 'syncStatus' | 'version' | 'createdAt' | 'updatedAt' | 'conflictWith'
>;

/** A staff booking: checked, stored as `pending` for cita.sync, its change appended. */
export async function createStaffCita(tx: Executor, values: StaffCitaValues): Promise<Cita> {
  await assertSlotFree(tx, {
    locationId: values.locationId,
    calendarId: values.calendarId,
    assignedUserId: values.assignedUserId ?? null,
    startAt: values.startAt,
    blockedUntil: values.blockedUntil,
  });
  const { result: id, citas } = await writeCitas(tx, 'rv3', async (writes) => {
    const row = await insertCita(tx, { ...values, source: 'rv3', syncStatus: 'pending' });
    writes.touch(row.id, null);
    return row.id;
  });
  return found(citas.get(id), id);
}

export type StaffPatch = Partial<Omit<NewCita, 'id' | 'version' | 'createdAt' | 'source' | 'conflictWith'>>;

/**
 * A staff edit of a locked cita: a new version for cita.sync to push. `slot` is set when the
 * edit claims time (a move, or an un-cancel), so the same checks as a booking apply.
 */
export async function changeStaffCita(
  tx: Executor,
  current: Cita,
  patch: StaffPatch,
  slot?: Slot,
): Promise<Cita> {
  if (slot) await assertSlotFree(tx, slot);
  const { citas } = await writeCitas(tx, 'rv3', async (writes) => {
    await updateCita(tx, current.id, { ...patch, syncStatus: 'pending', syncError: null, syncAttempts: 0 });
    writes.touch(current.id, current);
  });
  return found(citas.get(current.id), current.id);
}

function found(cita: Cita | undefined, id: string): Cita {
  if (!cita) throw new Error(`cita ${id} vanished inside its own transaction`);
  return cita;
}
