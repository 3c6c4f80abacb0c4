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
 * the tokens. The code itself waits in Redis, sealed, for ten minutes at most: never in job
 * data. GHL's answer says who installed (a location, or an agency with its locations).
 */
export const ghlOauthExchange = defineJob({
  name: 'ghl.oauth-exchange',
  queue: 'ghl-reads',
  schema: z.object({ pendingId: z.uuid(), requestId: z.string().optional() }),
  options: {
    // A code is single use, but a GHL 5xx may not have spent it: a few quick tries (a 429 waits
    // without spending one). GHL refusing the code is the job's answer, not a failure.
    attempts: 4,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 24 * 3600 },
  },
});

/** Retried for about an hour: GHL's INSTALL webhook can arrive before the code exchange ends. */
const installOptions = {
  attempts: 11,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A location installed under an agency: mint its token from the company token, waiting (with
 * backoff) until that token is stored, unless the location brings its own.
 */
export const ghlInstallLocation = defineJob({
  name: 'ghl.install-location',
  queue: 'maintenance',
  schema: z.object({
    locationId: z.string().min(1),
    companyId: z.string().min(1),
    requestId: z.string().optional(),
  }),
  options: installOptions,
});

/** An agency (Company) install: list its installed locations and give each its own token job. */
export const ghlInstallCompany = defineJob({
  name: 'ghl.install-company',
  queue: 'maintenance',
  schema: z.object({ companyId: z.string().min(1), requestId: z.string().optional() }),
  options: installOptions,
});

/** After an UNINSTALL has committed: forget the cached access token too, so no call goes on. */
export const ghlForgetTokens = defineJob({
  name: 'ghl.forget-tokens',
  queue: 'maintenance',
  schema: z.object({ resourceId: z.string().min(1), requestId: z.string().optional() }),
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/**
 * Where a sealed authorisation code waits for the worker. Only single-key commands touch it, so
 * it needs no hash tag: on a cluster it lands wherever its id hashes.
 */
export const oauthCodeKey = (prefix: string, pendingId: string) => `${prefix}:oauth-code:${pendingId}`;

/** The exchange job of one callback: its id is how a repeated callback finds the first one's answer. */
export const oauthExchangeJobId = (pendingId: string) => `oauth-${pendingId}`;
