import {
  findCitaById,
  getLocationSettings,
  markCitaSynced,
  markCitaSyncing,
  recordCitaSyncError,
} from '@ghl-bridge/db';
import { runGhlJob } from '@ghl-bridge/ghl';
import { DelayedError, UnrecoverableError } from 'bullmq';
import type { Processor } from './types.js';

/** DB bookkeeping around `deps.citaSync`, which makes the GHL calls. */
export const processCitaSync: Processor<'cita.sync'> = async ({ payload, job, token, deps, log }) => {
  const cita = await findCitaById(deps.db, payload.citaId);
  if (!cita) throw new UnrecoverableError(`cita ${payload.citaId} does not exist`);
  // A newer version has its own job, which will send the newer state.
  if (cita.version > payload.version) return { outcome: 'superseded', version: cita.version };
  if (cita.version === payload.version && cita.syncStatus === 'synced') return { outcome: 'already_synced' };
  if (!(await markCitaSyncing(deps.db, cita.id, payload.version))) return { outcome: 'superseded' };

  const settings = await getLocationSettings(deps.db, cita.locationId);
  try {
    // A rate limit moves this job to delayed without spending an attempt (runGhlJob).
    const result = await runGhlJob(job, token, () => deps.citaSync({ payload, cita, settings }, log));
    await markCitaSynced(deps.db, cita.id, payload.version, result);
    log.info({ citaId: cita.id, ghlAppointmentId: result.ghlAppointmentId }, 'cita synced to GHL');
    return { outcome: 'synced', ghlAppointmentId: result.ghlAppointmentId };
  } catch (error) {
    if (error instanceof DelayedError) throw error; // waiting for budget is not a failure
    const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await recordCitaSyncError(deps.db, cita.id, payload.version, error, final).catch((recordError: unknown) =>
      log.error({ err: recordError }, 'could not record cita sync error'),
    );
    throw error;
  }
};
