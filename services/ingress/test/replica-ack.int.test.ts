import { loadConfig } from '@ghl-bridge/config';
import { appointmentEvent, signWebhook, test, testEnv } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

// REDIS_ACK_REPLICAS: a job counts as stored once a replica holds it. The shared test Redis has
// no replica, so it stands for a shard whose replica is gone (e.g. right after a failover).
describe('REDIS_ACK_REPLICAS', () => {
  test('a webhook no replica acknowledged is answered 429 (GHL retries), never 200', async ({
    database,
    queuePrefix,
    webhookKeys,
  }) => {
    const config = loadConfig(
      testEnv({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: queuePrefix,
        GHL_WEBHOOK_PUBLIC_KEY: webhookKeys.ed25519.publicKey,
        REDIS_ACK_REPLICAS: '1',
      }),
    );
    const { app, queues, close } = await startTestApp({ config });
    try {
      const body = JSON.stringify(appointmentEvent());
      const response = await app.inject({
        method: 'POST',
        url: '/api/webhooks/ghl/',
        payload: body,
        headers: signWebhook(body, webhookKeys),
      });
      expect(response.statusCode).toBe(429);
      expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      // The master did store it: GHL's retry finds the same job id, and a worker may apply it.
      expect(await queues.webhooks.count()).toBe(1);
    } finally {
      await close();
    }
  });
});
