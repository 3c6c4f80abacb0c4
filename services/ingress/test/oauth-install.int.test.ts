import { type Config, loadConfig } from '@ghl-bridge/config';
import { createGhl } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { test, testEnv } from '@ghl-bridge/testing';
import { createWorkers, processors, webhookEffects } from '@ghl-bridge/worker';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

const log = createLogger({ name: 'test', level: 'silent' });
const REDIRECT = 'https://bridge.example.com/oauth/callback';
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function installConfig(database: { url: string }, queuePrefix: string): Config {
  return loadConfig(
    testEnv({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: queuePrefix,
      GHL_API_BASE_URL: sandbox.url,
      GHL_MARKETPLACE_URL: sandbox.url,
      GHL_CLIENT_ID: sandbox.clientId,
      GHL_CLIENT_SECRET: sandbox.clientSecret,
      GHL_OAUTH_REDIRECT_URI: REDIRECT,
      DISCOVERY_TIMEOUT_MS: '4000',
    }),
  );
}

describe('installing the app through OAuth', () => {
  test('install link → GHL authorisation → callback: a worker exchanges the code and stores the tokens', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const config = installConfig(database, queuePrefix);
    const { locations } = await sandbox.admin.seed({ locations: [{ name: 'Clínica Miraflores' }] });
    const locationId = locations[0]?.id ?? '';
    const ghl = createGhl({ config, db: database.db, redis, log, metrics: createMetrics().ghl });
    const { app, queues, close } = await startTestApp({ config });
    const workers = createWorkers({
      connection: redis,
      prefix: queuePrefix,
      concurrency: 2,
      processors,
      deps: {
        db: database.db,
        log,
        webhookEffects,
        queues,
        citaSync: async () => {
          throw new Error('not used');
        },
        oauthExchange: {
          redis,
          prefix: queuePrefix,
          key: config.ghl.tokens.encryptionKey,
          installs: ghl.installs,
          redirectUri: REDIRECT,
        },
      },
    });
    try {
      const install = await app.inject({ method: 'GET', url: '/oauth/install' });
      expect(install.statusCode).toBe(302);
      const authorise = new URL(String(install.headers.location));
      expect(authorise.origin + authorise.pathname).toBe(`${sandbox.url}/v2/oauth/chooselocation`);
      expect(Object.fromEntries(authorise.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: sandbox.clientId,
        redirect_uri: REDIRECT,
      });

      // The installer picks the location on GHL's page; GHL sends them back with a code.
      authorise.searchParams.set('locationId', locationId);
      const back = await fetch(authorise, { redirect: 'manual' });
      const callback = new URL(String(back.headers.get('location')));
      expect(callback.origin + callback.pathname).toBe(REDIRECT);

      const done = await app.inject({ method: 'GET', url: `/oauth/callback${callback.search}` });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toEqual({ installed: true, resource_id: locationId, user_type: 'Location' });
      expect(await ghl.store.get(locationId)).toMatchObject({ userType: 'Location', status: 'active' });
      expect(await redis.keys(`${queuePrefix}:oauth-code:*`)).toEqual([]);

      const reused = await app.inject({ method: 'GET', url: `/oauth/callback${callback.search}` });
      expect(reused.statusCode).toBe(502);
      expect(reused.json()).toMatchObject({ error: 'ghl_error' });
      expect(reused.body).not.toContain(callback.searchParams.get('code') ?? '');
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await close();
    }
  });

  test('a callback without a code is a 400; an install link without configuration is a 503', async ({
    config,
  }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const missing = await app.inject({ method: 'GET', url: '/oauth/callback' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ error: 'validation_failed' });
      const unconfigured = await app.inject({ method: 'GET', url: '/oauth/install' });
      expect(unconfigured.statusCode).toBe(503);
      expect(unconfigured.json()).toMatchObject({ error: 'not_configured' });
    } finally {
      await close();
    }
  });
});
