/**
 * Baseline for the ingress bench, run as its own process: the least a webhook receiver can do
 * and still be safe, i.e. an HMAC-SHA256 check of the raw body and a BullMQ add with a unique
 * job id. Env: PORT, QUEUE_PREFIX, HMAC_SECRET.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const secret = process.env.HMAC_SECRET ?? '';
const redis = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const queue = new Queue('webhooks', { connection: redis, prefix: process.env.QUEUE_PREFIX ?? '{bench}' });

const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);
app.post('/hook', async (request, reply) => {
  const raw = request.body as Buffer;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(String(request.headers['x-signature'] ?? ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return reply.code(401).send({ error: 'invalid_signature' });
  const event = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  await queue.add('webhook.process', { event }, { jobId: `wh-${randomUUID()}` });
  return reply.code(200).send({ received: true });
});

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => queue.close())
    .then(() => redis.quit())
    .finally(() => process.exit(0));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
