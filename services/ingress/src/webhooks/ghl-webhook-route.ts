import { randomUUID } from 'node:crypto';
import { GhlEventShapeError, parseGhlEvent, withoutNulBytes } from '@ghl-bridge/citas';
import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import {
  enqueue,
  type Queues,
  sha256Hex,
  type WebhookSource,
  webhookJobId,
  webhookTypeLabel,
} from '@ghl-bridge/jobs';
import type { Metrics } from '@ghl-bridge/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SECURITY } from '../docs/openapi.js';
import { errorResponses, sendError } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';
import type { FastifyPluginAsyncZod } from '../http/zod-app.js';
import { checkTimestamp } from './check-timestamp.js';
import { parseWebhookBody } from './parse-webhook-body.js';
import { parseWebhookKeys, verifyGhlSignature } from './verify-ghl-signature.js';
import { checkWorkflowSecret, scopeWorkflowEvent } from './workflow-secret.js';

export interface GhlWebhookRouteOptions {
  webhooks: Config['webhooks'];
  queues: Queues;
  /** Workflow secrets are looked up here. */
  db: Db;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
  metrics: Metrics;
}

type Source = 'app' | 'workflow';

/**
 * The body as raw bytes: signatures cover the exact bytes, and the handler parses them itself
 * (parseWebhookBody). Documented as what it is on the wire, a JSON object.
 */
const rawJsonBody = z
  .custom<Buffer | undefined>((body) => body === undefined || Buffer.isBuffer(body))
  .meta({
    type: 'object',
    additionalProperties: true,
    description: "A GHL event as GHL sends it (see GHL's webhook documentation)",
  });

const stored = z.object({
  received: z.literal(true),
  jobId: z.string().describe('The job holding the delivery; a repeated delivery names the same one'),
});

/** Header parameters, for the document only: what they carry is checked by the handler (401s). */
const signatureHeaders = z
  .object({
    'x-ghl-signature': z.string().optional().describe('Ed25519 signature of the raw body (base64)'),
    'x-wh-signature': z
      .string()
      .optional()
      .describe('Legacy RSA signature, accepted only with GHL_WEBHOOK_RSA_ENABLED'),
  })
  .loose();

const appWebhookSchema = {
  operationId: 'receiveGhlWebhook',
  summary: 'GHL webhook receiver (Ed25519 X-GHL-Signature over the raw body)',
  tags: ['Webhooks'],
  security: SECURITY.none,
  headers: signatureHeaders,
  body: rawJsonBody,
  response: { 200: stored, ...errorResponses(400, 401, 413, 415, 429) },
};

const workflowWebhookSchema = {
  operationId: 'receiveWorkflowWebhook',
  summary:
    "GHL workflow Custom Webhooks: a location's secret in X-GHL-Bridge-Secret; appointment and contact events of that location only",
  tags: ['Webhooks'],
  security: SECURITY.workflowSecret,
  body: rawJsonBody,
  response: { 200: stored, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
};

/**
 * `POST /api/webhooks/ghl/` (GHL's signed app webhooks) and `POST /api/webhooks/ghl/workflow`
 * (a location's workflow "Custom Webhook" with its secret): check who sent it, then store one
 * job per delivery. GHL retries only on 429 and drops the event for good on anything else, so:
 * 200 only once Redis has the job, 429 when it cannot be stored in time, and 4xx for what must
 * not be resent. Nothing is stored from a rejected request.
 */
export const ghlWebhookRoute: FastifyPluginAsyncZod<GhlWebhookRouteOptions> = async (app, options) => {
  const { webhooks, queues, db, now, metrics } = options;
  const count = (source: Source, outcome: string) => metrics.webhooks.received.inc({ source, outcome });
  const keys = parseWebhookKeys(
    webhooks.ed25519PublicKey,
    webhooks.rsaEnabled ? webhooks.rsaPublicKey : undefined,
  );

  // Scoped to this plugin: the signature covers the exact bytes, so they must reach us unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  /** The checks both routes share once the sender is known, then the enqueue. */
  async function store(
    request: FastifyRequest,
    reply: FastifyReply,
    delivery: { source: WebhookSource; event: Record<string, unknown>; payloadHash: string; scheme: string },
  ) {
    const source = delivery.source.kind;
    const { event, payloadHash } = delivery;
    const age = checkTimestamp(event.timestamp, now(), webhooks.maxAgeSeconds);
    if (!age.ok) {
      request.log.warn({ reason: age.reason }, 'webhook outside the timestamp window');
      count(source, 'rejected_stale');
      return sendError(reply, 401, 'stale_webhook', age.reason);
    }
    const webhookId =
      typeof event.webhookId === 'string' && event.webhookId !== '' ? event.webhookId : undefined;
    const jobId = webhookJobId(webhookId, payloadHash);
    const payload = {
      payloadHash,
      webhookId,
      event,
      source: delivery.source,
      receivedAt: new Date(now()).toISOString(),
      requestId: request.id,
    };
    try {
      await withDeadline(
        enqueue(queues, 'webhook.process', payload, { jobId }),
        webhooks.enqueueTimeoutMs,
        'enqueue',
      );
    } catch (error) {
      request.log.error({ err: error, jobId }, 'webhook not stored; answering 429 so GHL retries');
      return notStored(reply, source);
    }
    // The type as a label from GHL's fixed list: the body's own text is not logged.
    request.log.info(
      { jobId, type: webhookTypeLabel(event.type), scheme: delivery.scheme },
      'webhook stored',
    );
    count(source, 'stored');
    return reply.code(200).send({ received: true as const, jobId });
  }

  function notStored(reply: FastifyReply, source: Source) {
    count(source, 'not_stored');
    reply.header('retry-after', '600');
    return sendError(reply, 429, 'not_stored', 'The webhook could not be stored right now; retry later');
  }

  function parse(request: FastifyRequest, reply: FastifyReply, raw: Buffer, source: Source) {
    const parsed = parseWebhookBody(raw);
    if (parsed.ok) return parsed.event;
    request.log.warn({ bytes: raw.length, reason: parsed.error }, 'webhook body refused');
    count(source, 'rejected_body');
    sendError(reply, 400, parsed.error, parsed.message);
    return undefined;
  }

  app.post(
    '/api/webhooks/ghl/',
    { bodyLimit: webhooks.bodyLimitBytes, schema: appWebhookSchema },
    async (request, reply) => {
      const raw = request.body ?? Buffer.alloc(0);
      const verdict = verifyGhlSignature(raw, request.headers, keys);
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, 'webhook signature rejected');
        count('app', 'rejected_signature');
        const message =
          verdict.reason === 'missing' ? 'No GHL signature header' : 'Signature does not match the body';
        return sendError(reply, 401, 'invalid_signature', message);
      }
      const event = parse(request, reply, raw, 'app');
      if (!event) return reply;
      const source = { kind: 'app' } as const;
      return store(request, reply, { source, event, payloadHash: sha256Hex(raw), scheme: verdict.scheme });
    },
  );

  // GHL workflow "Custom Webhook" actions: user-defined bodies, a location's secret in a header.
  app.post(
    '/api/webhooks/ghl/workflow',
    { bodyLimit: webhooks.bodyLimitBytes, schema: workflowWebhookSchema },
    async (request, reply) => {
      const raw = request.body ?? Buffer.alloc(0);
      let verdict: Awaited<ReturnType<typeof checkWorkflowSecret>>;
      try {
        verdict = await checkWorkflowSecret(db, request.headers);
      } catch (error) {
        // PostgreSQL is away: the sender may try again, as for Redis.
        request.log.error({ err: error }, 'workflow secret not checked; answering 429');
        return notStored(reply, 'workflow');
      }
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, 'workflow secret rejected');
        count('workflow', 'rejected_secret');
        const message =
          verdict.reason === 'missing'
            ? 'No X-GHL-Bridge-Secret header'
            : 'Unknown or revoked workflow secret';
        return sendError(reply, 401, 'invalid_secret', message);
      }
      const event = parse(request, reply, raw, 'workflow');
      if (!event) return reply;
      const scoped = scopeWorkflowEvent(event, verdict.secret);
      if (!scoped.ok) {
        request.log.warn(
          { secretId: verdict.secret.id, reason: scoped.error },
          'workflow webhook outside its secret',
        );
        count('workflow', scoped.status === 403 ? 'rejected_location' : 'rejected_body');
        return sendError(reply, scoped.status, scoped.error, scoped.message);
      }
      // A person wrote this body: one that can never be applied is refused now, with the reason,
      // instead of answered 200 and failed in the worker where no one sees it.
      const shape = shapeProblem(scoped.event);
      if (shape) {
        request.log.warn({ secretId: verdict.secret.id }, "workflow webhook without GHL's shape");
        count('workflow', 'rejected_body');
        return sendError(reply, 422, 'invalid_event', shape);
      }
      const { secret } = verdict;
      const source = { kind: 'workflow', locationId: secret.locationId, secretId: secret.id } as const;
      // The hash of the event as scoped, so the same body sent by two locations is two events.
      // A workflow body is the state a workflow step saw, and carries no delivery id of GHL's:
      // the same body sent again later (a status set back to what it was) is news, not a
      // duplicate. So unless its author gave a webhookId, each delivery is an event of its own;
      // applying one state twice changes nothing, so a resend costs nothing.
      const identity = scoped.event.webhookId === undefined ? `\n${randomUUID()}` : '';
      const payloadHash = sha256Hex(JSON.stringify(scoped.event) + identity);
      return store(request, reply, { source, event: scoped.event, payloadHash, scheme: 'workflow_secret' });
    },
  );
};

/** Why a body of a known type cannot be applied (GHL's shape, as the worker parses it), if so. */
function shapeProblem(event: Record<string, unknown>): string | undefined {
  try {
    parseGhlEvent(withoutNulBytes(event));
    return undefined;
  } catch (error) {
    if (error instanceof GhlEventShapeError) return error.message;
    throw error;
  }
}
