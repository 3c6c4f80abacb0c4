import type { Config } from '@ghl-bridge/config';
import { enqueue, type Queues, sha256Hex, webhookJobId } from '@ghl-bridge/jobs';
import type { Metrics } from '@ghl-bridge/observability';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/errors.js';
import { withDeadline } from '../http/with-deadline.js';
import { checkTimestamp } from './check-timestamp.js';
import { parseWebhookKeys, verifyGhlSignature } from './verify-ghl-signature.js';
import { verifySharedSecret } from './verify-shared-secret.js';

export interface GhlWebhookRouteOptions {
  webhooks: Config['webhooks'];
  queues: Queues;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
  metrics: Metrics;
}

/**
 * `POST /api/webhooks/ghl/`: verify the raw bytes, then store one job per delivery. GHL retries
 * only on 429 and drops the event for good on anything else, so: 200 only once Redis has the
 * job, 429 when it cannot be stored in time, and 4xx for what GHL must not resend.
 */
export const ghlWebhookRoute: FastifyPluginAsync<GhlWebhookRouteOptions> = async (app, options) => {
  const { webhooks, queues, now, metrics } = options;
  const count = (source: string, outcome: string) => metrics.webhooks.received.inc({ source, outcome });
  const keys = parseWebhookKeys(
    webhooks.ed25519PublicKey,
    webhooks.rsaEnabled ? webhooks.rsaPublicKey : undefined,
  );

  // Scoped to this plugin: the signature covers the exact bytes, so they must reach us unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const verifiers = {
    app: (raw: Buffer, request: FastifyRequest) => verifyGhlSignature(raw, request.headers, keys),
    workflow: (raw: Buffer, request: FastifyRequest) =>
      verifySharedSecret(raw, request.headers, webhooks.sharedSecret),
  };

  const receive =
    (source: keyof typeof verifiers) => async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifiers[source](raw, request);
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, 'webhook signature rejected');
        count(source, 'rejected_signature');
        const message =
          verdict.reason === 'missing' ? 'No GHL signature header' : 'Signature does not match the body';
        return sendError(reply, 401, 'invalid_signature', message);
      }

      const event = parseObject(raw);
      if (!event) {
        request.log.warn({ bytes: raw.length }, 'webhook body is not a JSON object');
        count(source, 'rejected_body');
        return sendError(reply, 400, 'malformed_json', 'Body must be a JSON object');
      }
      const age = checkTimestamp(event.timestamp, now(), webhooks.maxAgeSeconds);
      if (!age.ok) {
        request.log.warn(
          { timestamp: event.timestamp, reason: age.reason },
          'webhook outside the timestamp window',
        );
        count(source, 'rejected_stale');
        return sendError(reply, 401, 'stale_webhook', age.reason);
      }

      const payloadHash = sha256Hex(raw);
      const webhookId =
        typeof event.webhookId === 'string' && event.webhookId !== '' ? event.webhookId : undefined;
      const jobId = webhookJobId(webhookId, payloadHash);
      const payload = {
        payloadHash,
        webhookId,
        event,
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
        count(source, 'not_stored');
        reply.header('retry-after', '600');
        return sendError(reply, 429, 'not_stored', 'The webhook could not be stored right now; retry later');
      }
      request.log.info({ jobId, type: event.type, scheme: verdict.scheme }, 'webhook stored');
      count(source, 'stored');
      return reply.code(200).send({ received: true, jobId });
    };

  app.post('/api/webhooks/ghl', { bodyLimit: webhooks.bodyLimitBytes }, receive('app'));
  // GHL workflow "custom webhooks": user-defined bodies, an HMAC under GHL_WEBHOOK_SECRET instead of GHL's signature.
  app.post('/api/webhooks/ghl/workflow', { bodyLimit: webhooks.bodyLimitBytes }, receive('workflow'));
};

function parseObject(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
