import { type Config, loadConfig } from '@ghl-bridge/config';
import { accessTokenKey } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { enqueue } from '@ghl-bridge/jobs';
import { type TestDatabase, test, testEnv, webhookDelivery } from '@ghl-bridge/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startStack } from './full-stack.js';
import { startTestApp } from './test-app.js';

const REDIRECT = 'https://bridge.example.com/oauth/callback';
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function installConfig(
  database: { url: string },
  queuePrefix: string,
  extra: Record<string, string> = {},
): Config {
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
      ...extra,
    }),
  );
}

/** Ingress and a worker on every queue, wired as deployed, against the sandbox. */
async function installStack(
  { database, redis, queuePrefix }: { database: TestDatabase; redis: Redis; queuePrefix: string },
  options: { env?: Record<string, string>; now?: () => number } = {},
) {
  const config = installConfig(database, queuePrefix, options.env);
  const stack = await startStack(config, { database, redis }, { concurrency: 4, now: options.now });
  const { app } = stack;

  /** The browser's way: our install link (state + cookie), GHL's consent page, back to the callback. */
  async function browserInstall(consent: Record<string, string>) {
    const install = await app.inject({ method: 'GET', url: '/oauth/install' });
    expect(install.statusCode).toBe(302);
    const cookie = install.cookies.find((c) => c.name === 'ghlb_oauth_nonce');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/oauth' });
    const authorise = new URL(String(install.headers.location));
    for (const [key, value] of Object.entries(consent)) authorise.searchParams.set(key, value);
    const back = await fetch(authorise, { redirect: 'manual' });
    const callback = new URL(String(back.headers.get('location')));
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    return { callback, nonce: cookie?.value ?? '' };
  }
  const callback = (url: URL, nonce?: string) =>
    app.inject({
      method: 'GET',
      url: `/oauth/callback${url.search}`,
      ...(nonce ? { cookies: { ghlb_oauth_nonce: nonce } } : {}),
    });

  return { app, ghl: stack.ghl, config, queues: stack.queues, browserInstall, callback, close: stack.close };
}

async function seedLocations(count: number) {
  const companyId = `agency-${Math.random().toString(36).slice(2, 10)}`;
  const seeded = await sandbox.admin.seed({
    companies: [{ id: companyId }],
    locations: Array.from({ length: count }, (_, i) => ({ companyId, name: `Sede ${i + 1}` })),
  });
  return { companyId, locationIds: seeded.locations.map((l) => l.id) };
}

describe('installing the app through OAuth', () => {
  test('a location install: state and cookie checked, the code exchanged once, a Location token stored', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix });
    try {
      const { locationIds } = await seedLocations(1);
      const [locationId = ''] = locationIds;
      const { callback, nonce } = await s.browserInstall({ locationId });
      expect(callback.searchParams.get('state')).toMatch(/\./);
      const exchangesBefore = await sandbox.admin.counter('oauth.authorizationCode');

      const done = await s.callback(callback, nonce);
      expect(done.statusCode).toBe(200);
      expect(done.json()).toEqual({
        installed: true,
        resource_id: locationId,
        user_type: 'Location',
        locations: [locationId],
      });
      expect(await s.ghl.store.get(locationId)).toMatchObject({ userType: 'Location', status: 'active' });
      expect(await redis.keys(`${queuePrefix}:oauth-code:*`)).toEqual([]);

      // The same callback again (a reload): the first exchange's answer, no second exchange.
      const reloaded = await s.callback(callback, nonce);
      expect(reloaded.statusCode).toBe(200);
      expect(reloaded.json()).toMatchObject({ installed: true, resource_id: locationId });
      expect(await sandbox.admin.counter('oauth.authorizationCode')).toBe(exchangesBefore + 1);
    } finally {
      await s.close();
    }
  });

  test('an agency bulk install: a Company token, then every approved location ends with its own active token', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix });
    try {
      const { companyId, locationIds } = await seedLocations(3);
      const { callback, nonce } = await s.browserInstall({
        locationId: locationIds[0] ?? '',
        user_type: 'Company',
        locationIds: locationIds.join(','),
      });
      const done = await s.callback(callback, nonce);
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ installed: true, resource_id: companyId, user_type: 'Company' });
      expect((done.json().locations as string[]).sort()).toEqual([...locationIds].sort());
      expect(await s.ghl.store.get(companyId)).toMatchObject({ userType: 'Company', status: 'active' });
      for (const locationId of locationIds)
        await expect
          .poll(() => s.ghl.store.get(locationId), { timeout: 10_000 })
          .toMatchObject({ userType: 'Location', companyId, status: 'active' });
      // Each location's own token works on its own location.
      for (const locationId of locationIds) expect(await s.ghl.client.listCalendars(locationId)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  test("an install started on GHL's marketplace (no state, no cookie) still works", async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix });
    try {
      const { locationIds } = await seedLocations(1);
      const [locationId = ''] = locationIds;
      const { redirectUrl } = await sandbox.admin.marketplaceInstall({ redirectUri: REDIRECT, locationId });
      const done = await s.callback(new URL(redirectUrl));
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ installed: true, resource_id: locationId, user_type: 'Location' });
    } finally {
      await s.close();
    }
  });

  test("a forged, expired or another browser's state is refused (400), and its code is not exchanged", async ({
    database,
    redis,
    queuePrefix,
  }) => {
    let clock = Date.now();
    const s = await installStack({ database, redis, queuePrefix }, { now: () => clock });
    try {
      const { locationIds } = await seedLocations(1);
      const consent = { locationId: locationIds[0] ?? '' };
      const exchangesBefore = await sandbox.admin.counter('oauth.authorizationCode');

      const forged = await s.browserInstall(consent);
      const state = forged.callback.searchParams.get('state') ?? '';
      forged.callback.searchParams.set('state', `${state.slice(0, -2)}xx`);
      const elsewhere = await s.browserInstall(consent);
      const expired = await s.browserInstall(consent);
      const refusals = [
        await s.callback(forged.callback, forged.nonce),
        await s.callback(elsewhere.callback),
        await s.callback(elsewhere.callback, 'another-browsers-nonce'),
      ];
      clock += (s.config.oauthFlow.stateTtlSeconds + 1) * 1000;
      refusals.push(await s.callback(expired.callback, expired.nonce));
      for (const refused of refusals) {
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toEqual({ error: 'invalid_state', message: expect.any(String) });
      }
      expect(await s.queues['ghl-reads'].count()).toBe(0);
      expect(await sandbox.admin.counter('oauth.authorizationCode')).toBe(exchangesBefore);
    } finally {
      await s.close();
    }
  });

  test('a code is exchanged once even when the callback is hit twice at once; a bogus code is a 400', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix });
    try {
      const { locationIds } = await seedLocations(1);
      const { redirectUrl } = await sandbox.admin.marketplaceInstall({
        redirectUri: REDIRECT,
        locationId: locationIds[0],
      });
      const before = await sandbox.admin.counter('oauth.authorizationCode');
      const both = await Promise.all([s.callback(new URL(redirectUrl)), s.callback(new URL(redirectUrl))]);
      expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
      expect(await sandbox.admin.counter('oauth.authorizationCode')).toBe(before + 1);

      const bogus = await s.app.inject({ method: 'GET', url: '/oauth/callback?code=not-a-code-GHL-gave' });
      expect(bogus.statusCode).toBe(400);
      expect(bogus.json()).toEqual({
        error: 'invalid_code',
        message: expect.stringContaining('GHL refused'),
      });
      expect(await s.queues['ghl-reads'].getFailedCount()).toBe(0);
      for (const code of ['', 'with space', 'nul\u0000byte', 'x'.repeat(3000)]) {
        const refused = await s.app.inject({
          method: 'GET',
          url: `/oauth/callback?code=${encodeURIComponent(code)}`,
        });
        expect(refused.statusCode).toBe(400);
      }
    } finally {
      await s.close();
    }
  });

  test('a GHL 429 during the exchange: "in progress" (202), then the install completes with the same code', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix }, { env: { DISCOVERY_TIMEOUT_MS: '1500' } });
    try {
      const { locationIds } = await seedLocations(1);
      const [locationId = ''] = locationIds;
      const { redirectUrl } = await sandbox.admin.marketplaceInstall({ redirectUri: REDIRECT, locationId });
      await sandbox.admin.setFaults([{ route: 'POST /oauth/token', errorRate: 1, status: 429, times: 1 }]);
      const first = await s.callback(new URL(redirectUrl));
      expect(first.statusCode).toBe(202);
      expect(first.json()).toMatchObject({ installed: false, status: 'in_progress' });
      await expect
        .poll(() => s.ghl.store.get(locationId), { timeout: 20_000, interval: 250 })
        .toMatchObject({ status: 'active' });
      const reloaded = await s.callback(new URL(redirectUrl));
      expect(reloaded.statusCode).toBe(200);
      expect(reloaded.json()).toMatchObject({ installed: true, resource_id: locationId });
      expect(await s.queues['ghl-reads'].getFailedCount()).toBe(0);
    } finally {
      await sandbox.admin.clearFaults();
      await s.close();
    }
  }, 30_000);

  test('the callback is rate limited per client across processes: 429, not a call to GHL', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const env = { OAUTH_CALLBACK_RATE_LIMIT: '3' };
    const one = await installStack({ database, redis, queuePrefix }, { env });
    const two = await installStack({ database, redis, queuePrefix }, { env });
    try {
      const before = await sandbox.admin.counter('oauth.authorizationCode');
      const statuses = [];
      for (const s of [one, two, one, two, one])
        statuses.push(
          (await s.app.inject({ method: 'GET', url: `/oauth/callback?code=bogus-${statuses.length}` }))
            .statusCode,
        );
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      expect(await sandbox.admin.counter('oauth.authorizationCode')).toBe(before + 3);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('UNINSTALL forgets the stored tokens and, once committed, the cached access token', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const s = await installStack({ database, redis, queuePrefix });
    try {
      const { locationIds } = await seedLocations(1);
      const [locationId = ''] = locationIds;
      const { redirectUrl } = await sandbox.admin.marketplaceInstall({ redirectUri: REDIRECT, locationId });
      expect((await s.callback(new URL(redirectUrl))).statusCode).toBe(200);
      await s.ghl.client.listCalendars(locationId);
      const cacheKey = accessTokenKey(queuePrefix, locationId);
      expect(await redis.exists(cacheKey)).toBe(1);

      const uninstall = {
        type: 'UNINSTALL',
        appId: s.config.ghl.appId,
        locationId,
        timestamp: new Date().toISOString(),
        webhookId: `un-${locationId}`,
      };
      await enqueue(s.queues, 'webhook.process', webhookDelivery(uninstall));
      await expect.poll(() => s.ghl.store.get(locationId), { timeout: 5000 }).toBeUndefined();
      // The effect promised the cache drop through the outbox: enqueued right after commit.
      await expect.poll(() => redis.exists(cacheKey), { timeout: 5000 }).toBe(0);
      await expect(s.ghl.client.listCalendars(locationId)).rejects.toMatchObject({
        name: 'GhlNeedsReauthError',
      });
    } finally {
      await s.close();
    }
  });

  test('an install link without configuration is a 503', async ({ config }) => {
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
