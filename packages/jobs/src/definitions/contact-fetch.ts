import { z } from 'zod';
import { defineJob } from '../define-job.js';

/**
 * An appointment names a GHL contact we do not hold: read it from GHL so the cita has the
 * patient's name, phone and email. A GHL call like any other, paced by the location's budget.
 */
export const contactFetch = defineJob({
  name: 'ghl.contact-fetch',
  queue: 'citas',
  schema: z.object({
    locationId: z.string().min(1).max(256),
    contactId: z.string().min(1).max(256),
    // The request whose webhook named the contact, so the job's log lines join its.
    requestId: z.string().optional(),
  }),
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    // Removed when done, so a later appointment for the same unknown contact can fetch it again.
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** One fetch per contact at a time, whatever number of appointments name it. */
export const contactFetchJobId = (contactId: string): string =>
  `contact-${Buffer.from(contactId).toString('base64url')}`;
