import type { Cita, LocationSettings } from '@ghl-bridge/db';
import type { JobPayload } from '@ghl-bridge/jobs';
import type { Logger } from '@ghl-bridge/observability';

export interface CitaSyncRequest {
  payload: JobPayload<'cita.sync'>;
  /** The row as loaded for this attempt, at the job's version. */
  cita: Cita;
  settings: LocationSettings;
  /** This job's attempt, from 1. */
  attempt: number;
}

/** What GHL answered: its ids for the appointment and the patient's contact. */
export interface CitaSyncResult {
  ghlAppointmentId: string;
  ghlContactId?: string | undefined;
  /** GHL's `dateUpdated` of what we wrote, when GHL said it. */
  ghlDateUpdated?: Date | undefined;
}

/**
 * The GHL half of `cita.sync`: upsert the contact, then create, update or cancel the
 * appointment, and say what GHL answered. Throw GHL client errors as they are: the processor
 * records the last one on the row, and the dispatch gives each its queue meaning.
 */
export type CitaSync = (request: CitaSyncRequest, log: Logger) => Promise<CitaSyncResult>;
