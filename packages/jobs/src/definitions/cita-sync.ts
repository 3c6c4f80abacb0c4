import { z } from 'zod';
import { defineJob } from '../define-job.js';

/** Push one version of a cita to GHL (create, update or cancel its appointment). */
export const citaSync = defineJob({
  name: 'cita.sync',
  queue: 'citas',
  schema: z.object({
    citaId: z.uuid(),
    // The version this job was enqueued for; a job older than the row's version has nothing to do.
    version: z.number().int().positive(),
    // Ingress request id, so the worker's log lines join the staff request's.
    requestId: z.string().optional(),
  }),
  options: {
    // GHL outages can last; ~20 attempts with exponential backoff span several hours.
    attempts: 20,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    // Completed ids only need to outlive the outbox sweeper's re-enqueue window.
    removeOnComplete: { age: 24 * 3600 },
    // Failed syncs stay visible in Bull Board for a week, for inspection and replay.
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** The job id of one cita version: re-enqueueing it (outbox sweeper, retries) gives one job. */
export const citaSyncJobId = (citaId: string, version: number): string => `cita-${citaId}-v${version}`;
