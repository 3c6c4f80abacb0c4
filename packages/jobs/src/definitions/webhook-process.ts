import { z } from 'zod';
import { defineJob } from '../define-job.js';

/**
 * Who vouched for a delivery: GHL's own signature (`app`), or a location's workflow secret
 * (`workflow`, with that secret's location and id; never the secret). The worker checks a
 * workflow event again against what a workflow may do.
 */
export const webhookSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('app') }),
  z.object({ kind: z.literal('workflow'), locationId: z.string().min(1), secretId: z.uuid() }),
]);
export type WebhookSource = z.infer<typeof webhookSource>;

/** Apply one verified GHL webhook to PostgreSQL, exactly once. */
export const webhookProcess = defineJob({
  name: 'webhook.process',
  queue: 'webhooks',
  schema: z.object({
    // SHA-256 (hex) of the raw body: the dedup key when GHL sent no webhookId.
    payloadHash: z.string().regex(/^[0-9a-f]{64}$/),
    webhookId: z.string().min(1).optional(),
    // The body as GHL sent it, already verified and parsed by ingress.
    event: z.record(z.string(), z.unknown()),
    receivedAt: z.iso.datetime(),
    // Jobs stored before this field existed all came through GHL's signature check.
    source: webhookSource.default({ kind: 'app' }),
    // Ingress request id, so the worker's log lines of this job can be joined to the request's.
    requestId: z.string().optional(),
  }),
  options: {
    // Transient failures (Postgres restarting, a deadlock) get several tries over ~4 minutes.
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    // Completed jobs keep their id (ingress dedup) longer than GHL's 429 retry span (~70 min);
    // webhook_events is the lasting dedup guard after that.
    removeOnComplete: { age: 3 * 3600 },
    // Failed jobs stay visible in Bull Board for a week, for inspection and replay.
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});
