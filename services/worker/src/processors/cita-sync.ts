import { recordSyncFailed, recordSyncSucceeded } from '@ghl-bridge/citas';
import { describeError, findCitaById, getLocationSettings } from '@ghl-bridge/db';
import { isLastWord } from '@ghl-bridge/ghl';
import { UnrecoverableError } from 'bullmq';
import type { Processor } from './types.js';

/** Sync bookkeeping around `deps.citaSync`, which makes the GHL calls. */
export const processCitaSync: Processor<'cita.sync'> = async ({ payload, job, deps, log }) => {
  const cita = await findCitaById(deps.db, payload.citaId);
  if (!cita) throw new UnrecoverableError(`cita ${payload.citaId} does not exist`);
  // A newer version has its own job, which will send the newer state.
  if (cita.version > payload.version) return { outcome: 'superseded', version: cita.version };
  if (cita.syncStatus === 'synced') return { outcome: 'already_synced' };
  if (cita.deletedAt) return { outcome: 'deleted_in_ghl' };

  const settings = await getLocationSettings(deps.db, cita.locationId);
  const attempt = job.attemptsMade + 1;
  try {
    const result = await deps.citaSync({ payload, cita, settings, attempt }, log);
    await recordSyncSucceeded(deps.db, cita.id, payload.version, { ...result, attempts: attempt });
    log.info({ citaId: cita.id, ghlAppointmentId: result.ghlAppointmentId }, 'cita synced to GHL');
    return { outcome: 'synced', ghlAppointmentId: result.ghlAppointmentId };
  } catch (error) {
    // Retries and waits for budget stay in the job (Bull Board shows them); the cita hears only
    // the last word: a failure for good, or the last attempt's.
    if (isLastWord(error, job))
      await recordSyncFailed(deps.db, cita.id, payload.version, describeError(error), attempt).catch(
        (recordError: unknown) => log.error({ err: recordError }, 'could not record cita sync failure'),
      );
    throw error;
  }
};
