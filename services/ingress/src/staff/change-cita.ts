import { changeStaffCita, type Slot, type StaffPatch } from '@ghl-bridge/citas';
import {
  type Cita,
  findCitaById,
  getLocationSettings,
  type LocationSettings,
  lockCita,
} from '@ghl-bridge/db';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.js';
import { requireLocation } from './api-key-auth.js';
import { type CitaJson, toCitaJson } from './cita-json.js';
import { enqueueSync, mapWriteError, promiseSync, retryOnDeadlock, type StaffDeps } from './cita-writes.js';

export interface ChangePlan {
  patch: StaffPatch;
  /** Set when the change (re)claims time on a calendar, so the booking checks apply. */
  slot?: Slot | undefined;
}

/** Decides, on the locked row, what changes; `unchanged` answers with the row as it is. */
export type Planner = (current: Cita, settings: LocationSettings) => ChangePlan | 'unchanged';

/**
 * The shared path of PUT and cancel: lock the row, plan the change, write it through the cita
 * module (checks, new version, change for RV3) and promise a sync job in one transaction;
 * enqueue after commit.
 */
export async function changeCita(
  deps: StaffDeps,
  request: FastifyRequest,
  id: string,
  plan: Planner,
): Promise<CitaJson> {
  const existing = await findCitaById(deps.db, id);
  if (!existing) throw new ApiError(404, 'not_found', `No cita ${id}`);
  requireLocation(request, existing.locationId);
  const settings = await getLocationSettings(deps.db, existing.locationId);

  let result: { cita: Cita; outboxId: number | null };
  let slot: Slot | undefined;
  try {
    result = await retryOnDeadlock(() =>
      deps.db.transaction(async (tx) => {
        const current = await lockCita(tx, id);
        if (!current) throw new ApiError(404, 'not_found', `No cita ${id}`);
        if (current.deletedAt) throw new ApiError(409, 'cita_deleted', 'The cita was deleted in GHL');
        const decided = plan(current, settings);
        if (decided === 'unchanged') return { cita: current, outboxId: null };
        slot = decided.slot;
        const cita = await changeStaffCita(tx, current, decided.patch, decided.slot);
        return { cita, outboxId: await promiseSync(tx, cita, request.id) };
      }),
    );
  } catch (error) {
    throw await mapWriteError(deps.db, error, { slot });
  }
  if (result.outboxId !== null) {
    await enqueueSync(deps, request.log, result.outboxId, result.cita, request.id);
    request.log.info({ citaId: id, version: result.cita.version }, 'cita change accepted');
  }
  return toCitaJson(result.cita, settings);
}
