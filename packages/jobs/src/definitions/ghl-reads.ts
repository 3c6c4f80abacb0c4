import { z } from 'zod';
import { defineJob } from '../define-job.js';

// Reads that ingress needs from GHL but may not make itself: it enqueues one, waits a bounded
// time for the answer (request and reply over the queue), and the worker caches what it read.

const readOptions = {
  // A person is waiting: one quick retry for a blip, then the request answers 504.
  attempts: 2,
  backoff: { type: 'fixed', delay: 200 },
  // The answer lives in the cache; the job itself is only the reply channel.
  removeOnComplete: { age: 60 },
  removeOnFail: { age: 3600 },
};

/** List a location's calendars (discovery). */
export const ghlCalendars = defineJob({
  name: 'ghl.calendars',
  queue: 'ghl-reads',
  schema: z.object({ locationId: z.string().min(1), requestId: z.string().optional() }),
  options: readOptions,
});

/** A calendar's free slots for a range of at most 31 days. */
export const ghlFreeSlots = defineJob({
  name: 'ghl.free-slots',
  queue: 'ghl-reads',
  schema: z.object({
    locationId: z.string().min(1),
    calendarId: z.string().min(1),
    startMs: z.number().int(),
    endMs: z.number().int(),
    timezone: z.string().min(1),
    requestId: z.string().optional(),
  }),
  options: readOptions,
});

/**
 * An installer came back from GHL with an authorisation code: a worker exchanges it and stores
 * the tokens. The code itself waits in Redis, sealed, for ten minutes at most: never in job data.
 */
export const ghlOauthExchange = defineJob({
  name: 'ghl.oauth-exchange',
  queue: 'ghl-reads',
  schema: z.object({
    pendingId: z.uuid(),
    userType: z.enum(['Location', 'Company']),
    requestId: z.string().optional(),
  }),
  // Codes are single use: one attempt, so a failure is reported, never retried into a worse one.
  options: { attempts: 1, removeOnComplete: { age: 600 }, removeOnFail: { age: 24 * 3600 } },
});

/** After an INSTALL webhook: mint the location's token from the agency token, when we hold one. */
export const ghlInstallLocation = defineJob({
  name: 'ghl.install-location',
  queue: 'maintenance',
  schema: z.object({ locationId: z.string().min(1), companyId: z.string().min(1) }),
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/**
 * Where a sealed authorisation code waits for the worker. Only single-key commands touch it, so
 * it needs no hash tag: on a cluster it lands wherever its id hashes.
 */
export const oauthCodeKey = (prefix: string, pendingId: string) => `${prefix}:oauth-code:${pendingId}`;
