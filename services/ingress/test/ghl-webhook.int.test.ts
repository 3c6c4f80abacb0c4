import { createServer, type Socket } from 'node:net';
import { type Config, loadConfig } from '@ghl-bridge/config';
import { webhookEvents } from '@ghl-bridge/db';
import { sha256Hex } from '@ghl-bridge/jobs';
import { appointmentEvent, signWebhook, test, testEnv, type WebhookKeys } from '@ghl-bridge/testing';
import { createWorker } from '@ghl-bridge/worker';
import { describe, expect } from 'vitest';
import { closedPort, startTestApp } from './test-app.js';

const URL = '/api/webhooks/ghl/';

describe('POST /api/webhooks/ghl/', () => {
  test('a signed webhook posted twice gives one job and one webhook_events row', async ({
    config,
    webhookKeys,
    database,
    redis,
  }) => {
    const { app, queues, close } = await startTestApp({ config });
    try {
      const body = JSON.stringify(appointmentEvent());
      const headers = signWebhook(body, webhookKeys);
      const first = await app.inject({ method: 'POST', url: URL, payload: body, headers });
      const second = await app.inject({ method: 'POST', url: URL.slice(0, -1), payload: body, headers });
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      expect(second.json().jobId).toBe(first.json().jobId);
      expect(await queues.webhooks.count()).toBe(1);

      const worker = await createWorker(config, {
        database,
        redis,
        concurrency: 1,
        drain: ['webhooks'],
        schedulers: false,
      });
      try {
        // The job may finish before createWorker returns: wait on its state, not on an event.
        await expect
          .poll(async () => (await queues.webhooks.getJob(first.json().jobId))?.getState(), {
            timeout: 10_000,
          })
          .toBe('completed');
        const job = await queues.webhooks.getJob(first.json().jobId);
        if (!job) throw new Error('job vanished');
        expect(await worker.run(job)).toEqual({ outcome: 'duplicate' });
      } finally {
        await worker.close();
      }

      const rows = await database.db.select().from(webhookEvents);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'processed', payloadHash: sha256Hex(body) });
    } finally {
      await close();
    }
  });

  test('keys a delivery without webhookId by the SHA-256 of its raw body', async ({
    config,
    webhookKeys,
  }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const body = JSON.stringify(appointmentEvent({ webhookId: null }));
      const response = await app.inject({
        method: 'POST',
        url: URL,
        payload: body,
        headers: signWebhook(body, webhookKeys),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().jobId).toBe(`body-${sha256Hex(body)}`);
    } finally {
      await close();
    }
  });

  describe('bad input gets a JSON 4xx and enqueues nothing', () => {
    const body = JSON.stringify(appointmentEvent());
    const cases: Array<{
      name: string;
      status: number;
      error: string;
      request: (keys: WebhookKeys) => { payload: string | Buffer; headers: Record<string, string> };
    }> = [
      {
        name: 'no signature',
        status: 401,
        error: 'invalid_signature',
        request: () => ({ payload: body, headers: { 'content-type': 'application/json' } }),
      },
      {
        name: 'the literal N/A as signature',
        status: 401,
        error: 'invalid_signature',
        request: () => ({
          payload: body,
          headers: { 'content-type': 'application/json', 'x-ghl-signature': 'N/A' },
        }),
      },
      {
        name: 'a signature over other bytes',
        status: 401,
        error: 'invalid_signature',
        request: (keys) => ({ payload: body, headers: signWebhook(`${body} `, keys) }),
      },
      {
        name: 'a garbage signature',
        status: 401,
        error: 'invalid_signature',
        request: () => ({
          payload: body,
          headers: { 'content-type': 'application/json', 'x-ghl-signature': 'AAAA' },
        }),
      },
      {
        name: 'legacy RSA signature while RSA is disabled',
        status: 401,
        error: 'invalid_signature',
        request: (keys) => ({ payload: body, headers: signWebhook(body, keys, ['rsa']) }),
      },
      {
        name: 'malformed JSON, correctly signed',
        status: 400,
        error: 'malformed_json',
        request: (keys) => ({ payload: '{"type":', headers: signWebhook('{"type":', keys) }),
      },
      {
        name: 'a JSON array instead of an object',
        status: 400,
        error: 'malformed_json',
        request: (keys) => ({ payload: '[1]', headers: signWebhook('[1]', keys) }),
      },
      {
        // Redis's Lua JSON decoder refuses this; a 429 would make GHL resend it for an hour.
        name: 'a body nested 5,000 levels deep, correctly signed',
        status: 400,
        error: 'too_deep',
        request: (keys) => {
          const deep = `{"type":"AppointmentCreate","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
          return { payload: deep, headers: signWebhook(deep, keys) };
        },
      },
      {
        name: 'a body over 1 MiB',
        status: 413,
        error: 'payload_too_large',
        request: (keys) => {
          const big = JSON.stringify({ type: 'X', pad: 'x'.repeat(1_100_000) });
          return { payload: big, headers: signWebhook(big, keys) };
        },
      },
      {
        name: 'a wrong content type',
        status: 415,
        error: 'unsupported_media_type',
        request: (keys) => ({
          payload: body,
          headers: { ...signWebhook(body, keys), 'content-type': 'text/plain' },
        }),
      },
      {
        name: 'a timestamp older than the window',
        status: 401,
        error: 'stale_webhook',
        request: (keys) => {
          const old = JSON.stringify(
            appointmentEvent({ timestamp: new Date(Date.now() - 3 * 3600_000).toISOString() }),
          );
          return { payload: old, headers: signWebhook(old, keys) };
        },
      },
    ];
    for (const { name, status, error, request } of cases) {
      test(`${name} → ${status}`, async ({ config, webhookKeys }) => {
        const { app, queues, close } = await startTestApp({ config });
        try {
          const response = await app.inject({ method: 'POST', url: URL, ...request(webhookKeys) });
          expect(response.statusCode).toBe(status);
          expect(response.headers['content-type']).toMatch(/application\/json/);
          expect(response.json()).toEqual({ error, message: expect.any(String) });
          expect(await queues.webhooks.count()).toBe(0);
        } finally {
          await close();
        }
      });
    }
  });

  test('accepts legacy RSA x-wh-signature when enabled, and Ed25519 still wins when both are sent', async ({
    config,
    webhookKeys,
    database,
    queuePrefix,
  }) => {
    const rsaConfig = loadConfig(
      testEnv({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: queuePrefix,
        GHL_WEBHOOK_PUBLIC_KEY: webhookKeys.ed25519.publicKey,
        GHL_WEBHOOK_RSA_PUBLIC_KEY: webhookKeys.rsa.publicKey,
        GHL_WEBHOOK_RSA_ENABLED: 'true',
      }),
    );
    const { app, close } = await startTestApp({ config: rsaConfig });
    try {
      const body = JSON.stringify(appointmentEvent());
      const rsaOnly = await app.inject({
        method: 'POST',
        url: URL,
        payload: body,
        headers: signWebhook(body, webhookKeys, ['rsa']),
      });
      expect(rsaOnly.statusCode).toBe(200);
      const badEd25519 = {
        ...signWebhook(body, webhookKeys, ['rsa']),
        'x-ghl-signature': signWebhook('other', webhookKeys)['x-ghl-signature'] ?? '',
      };
      expect(
        (await app.inject({ method: 'POST', url: URL, payload: body, headers: badEd25519 })).statusCode,
      ).toBe(401);
    } finally {
      await close();
    }
    expect(config.webhooks.rsaEnabled).toBe(false);
  });

  test('answers 429, never 2xx, when Redis is unreachable', async ({ config, webhookKeys }) => {
    const { app, close } = await startTestApp({
      config,
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
    });
    try {
      const body = JSON.stringify(appointmentEvent());
      const response = await app.inject({
        method: 'POST',
        url: URL,
        payload: body,
        headers: signWebhook(body, webhookKeys),
      });
      expect(response.statusCode).toBe(429);
      expect(response.json()).toMatchObject({ error: 'not_stored' });
    } finally {
      await close();
    }
  });

  test('answers 429 within the enqueue deadline when Redis accepts connections but never replies', async ({
    config,
    webhookKeys,
  }) => {
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    const { app, close } = await startTestApp({
      config: shortDeadline(config),
      redisUrl: `redis://127.0.0.1:${port}`,
    });
    try {
      const body = JSON.stringify(appointmentEvent());
      const started = Date.now();
      const response = await app.inject({
        method: 'POST',
        url: URL,
        payload: body,
        headers: signWebhook(body, webhookKeys),
      });
      expect(response.statusCode).toBe(429);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await close();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});

/** The same config with a 300 ms enqueue deadline, so outage tests do not wait the default 2 s. */
function shortDeadline(config: Config): Config {
  return { ...config, webhooks: { ...config.webhooks, enqueueTimeoutMs: 300 } };
}
