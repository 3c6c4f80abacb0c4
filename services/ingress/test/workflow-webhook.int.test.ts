import { createHmac } from 'node:crypto';
import { loadConfig } from '@ghl-bridge/config';
import { sha256Hex } from '@ghl-bridge/jobs';
import { test, testEnv } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

const URL = '/api/webhooks/ghl/workflow';
const SECRET = 'workflow-secret-for-tests-0123456789';
const body = JSON.stringify({
  type: 'WorkflowAppointmentBooked',
  calendar: { appointmentId: 'a1' },
  locationId: 'loc1',
});
const hmac = (payload: string, secret = SECRET) => createHmac('sha256', secret).update(payload).digest('hex');

describe('POST /api/webhooks/ghl/workflow (GHL workflow custom webhooks)', () => {
  test('accepts a body with a valid HMAC-SHA256 under GHL_WEBHOOK_SECRET, hex or base64', async ({
    database,
    queuePrefix,
  }) => {
    const config = loadConfig(
      testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, GHL_WEBHOOK_SECRET: SECRET }),
    );
    const { app, queues, close } = await startTestApp({ config });
    try {
      const hex = await app.inject({
        method: 'POST',
        url: URL,
        payload: body,
        headers: { 'content-type': 'application/json', 'x-ghl-bridge-signature': `sha256=${hmac(body)}` },
      });
      expect(hex.statusCode).toBe(200);
      expect(hex.json().jobId).toBe(`body-${sha256Hex(body)}`);
      const base64 = Buffer.from(hmac(body), 'hex').toString('base64');
      const again = await app.inject({
        method: 'POST',
        url: `${URL}/`,
        payload: body,
        headers: { 'content-type': 'application/json', 'x-ghl-bridge-signature': base64 },
      });
      expect(again.statusCode).toBe(200);
      expect(await queues.webhooks.count()).toBe(1);
    } finally {
      await close();
    }
  });

  test('refuses a wrong or missing HMAC, a GHL signature instead, and everything when no secret is configured', async ({
    config,
    database,
    queuePrefix,
  }) => {
    const withSecret = loadConfig(
      testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, GHL_WEBHOOK_SECRET: SECRET }),
    );
    for (const [cfg, headers] of [
      [withSecret, { 'x-ghl-bridge-signature': hmac(body, 'another-secret-entirely-000000') }],
      [withSecret, {}],
      [config, { 'x-ghl-bridge-signature': hmac(body) }],
    ] as const) {
      const { app, queues, close } = await startTestApp({ config: cfg });
      try {
        const response = await app.inject({
          method: 'POST',
          url: URL,
          payload: body,
          headers: { 'content-type': 'application/json', ...headers },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error: 'invalid_signature', message: expect.any(String) });
        expect(await queues.webhooks.count()).toBe(0);
      } finally {
        await close();
      }
    }
  });
});
