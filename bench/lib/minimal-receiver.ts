/**
 * Baselines for the ingress bench, run as their own process: the least a webhook receiver can do
 * and still be safe, i.e. a signature check of the raw body and a BullMQ add with a unique job
 * id. SCHEME=hmac checks a hex HMAC-SHA256 (`x-signature`, under HMAC_SECRET); SCHEME=ed25519
 * checks GHL's Ed25519 `x-ghl-signature` (under the PEM in ED25519_PUBLIC_KEY), which isolates
 * what GHL's signature scheme costs from what ghl-bridge adds. Env: PORT, QUEUE_PREFIX.
 */
import { createHmac, createPublicKey, randomUUID, timingSafeEqual, verify } from 'node:crypto';
import { createRedis, queuePrefix } from '@ghl-bridge/redis';
import { Queue } from 'bullmq';
import Fastify from 'fastify';

const scheme = process.env.SCHEME ?? 'hmac';
const secret = process.env.HMAC_SECRET ?? '';
const ed25519 = scheme === 'ed25519' ? createPublicKey(process.env.ED25519_PUBLIC_KEY ?? '') : undefined;
const redis = createRedis({ url: 'redis://127.0.0.1:6379', tls: false }, 'producer');
const queue = new Queue('webhooks', {
  connection: redis,
  prefix: queuePrefix(process.env.QUEUE_PREFIX ?? 'bench', 'webhooks'),
});

function signed(raw: Buffer, headers: Record<string, string | string[] | undefined>): boolean {
  if (ed25519) {
    const signature = Buffer.from(String(headers['x-ghl-signature'] ?? ''), 'base64');
    return signature.length === 64 && verify(null, raw, ed25519, signature);
  }
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(String(headers['x-signature'] ?? ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);
app.post('/hook', async (request, reply) => {
  const raw = request.body as Buffer;
  if (!signed(raw, request.headers)) return reply.code(401).send({ error: 'invalid_signature' });
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
