import { loadConfig } from '@ghl-bridge/config';
import { notificationEndpoints } from '@ghl-bridge/db';
import { test, testEnv } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

const TOKEN = 'admin-token-for-tests-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
// Where this "ingress" listens, as the URL rule sees it.
const PORT = 3999;

/** URLs that are not http(s), carry credentials, or reach ghl-bridge itself under some alias. */
const REFUSED = [
  'ftp://rv3.example/hooks',
  'javascript:alert(1)',
  'rv3.example/hooks',
  'https://user:pass@rv3.example/hooks',
  `http://127.0.0.1:${PORT}/api/webhooks/ghl/`,
  `http://localhost:${PORT}/x`,
  `http://LOCALHOST.:${PORT}/x`,
  `http://api.localhost:${PORT}/x`,
  `http://127.8.9.10:${PORT}/x`,
  `http://2130706433:${PORT}/x`,
  `http://0x7f.1:${PORT}/x`,
  `http://[::1]:${PORT}/x`,
  `http://[0:0:0:0:0:0:0:1]:${PORT}/x`,
  `http://[::ffff:127.0.0.1]:${PORT}/x`,
  `http://0.0.0.0:${PORT}/x`,
  `https://rv3.example/${'x'.repeat(2100)}`,
];

describe('managing RV3 endpoints', () => {
  test('/admin/endpoints: admin token only; add answers the secret once, list never shows it; bad input is a 400 naming why', async ({
    database,
    queuePrefix,
  }) => {
    const config = loadConfig(
      testEnv({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: queuePrefix,
        ADMIN_TOKEN: TOKEN,
        HOST: '127.0.0.1',
        PORT: String(PORT),
      }),
    );
    const { app, close } = await startTestApp({ config });
    try {
      const body = { url: 'http://127.0.0.1:4999/rv3/hooks', locations: ['loc-a', 'loc-b'] };
      for (const headers of [{}, { authorization: 'Bearer not-the-admin-token-at-all' }]) {
        const refused = await app.inject({ method: 'POST', url: '/admin/endpoints', headers, payload: body });
        expect(refused.statusCode).toBe(401);
      }
      expect(await database.db.select().from(notificationEndpoints)).toHaveLength(0);

      const created = await app.inject({
        method: 'POST',
        url: '/admin/endpoints',
        headers: auth,
        payload: body,
      });
      expect(created.statusCode).toBe(201);
      const { endpoint, secret } = created.json();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(endpoint).toMatchObject({
        url: body.url,
        locations: ['loc-a', 'loc-b'],
        kinds: [],
        disabled_at: null,
      });
      expect(secret.startsWith(endpoint.secret_hint)).toBe(true);
      // Sealed at rest: the row does not hold the secret.
      const [row] = await database.db.select().from(notificationEndpoints);
      expect(JSON.stringify(row)).not.toContain(secret.slice(6));

      const listed = await app.inject({ url: '/admin/endpoints', headers: auth });
      expect(listed.statusCode).toBe(200);
      expect(listed.body).not.toContain(secret.slice(6));
      expect(listed.json().endpoints).toEqual([
        { ...endpoint, deliveries: { pending: 0, queued: 0, delivered: 0, failed: 0 } },
      ]);

      // Another port on loopback is someone else (RV3 on this machine): allowed.
      const local = await app.inject({
        method: 'POST',
        url: '/admin/endpoints',
        headers: auth,
        payload: { url: 'https://localhost/hooks', locations: ['loc-a'], kinds: ['cita.deleted'] },
      });
      expect(local.statusCode).toBe(201);
      expect(local.json().endpoint.kinds).toEqual(['cita.deleted']);

      for (const url of REFUSED) {
        const response = await app.inject({
          method: 'POST',
          url: '/admin/endpoints',
          headers: auth,
          payload: { url, locations: ['loc-a'] },
        });
        const label = url.slice(0, 80);
        expect(response.statusCode, label).toBe(400);
        expect(response.json(), label).toMatchObject({ error: 'validation_failed' });
        expect(
          response.json().details.map((d: { path: string }) => d.path),
          label,
        ).toContain('url');
      }
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/admin/endpoints',
            headers: auth,
            payload: { url: `http://localhost:${PORT}/`, locations: ['loc-a'] },
          })
        ).json().message,
      ).toMatch(/points at ghl-bridge itself/);
      for (const payload of [
        { url: body.url },
        { url: body.url, locations: [] },
        { url: body.url, locations: ['a,b'] },
        { url: body.url, locations: ['loc\u0000'] },
        { url: body.url, locations: ['loc-a'], kinds: ['cita.exploded'] },
        { url: body.url, locations: ['loc-a'], colour: 'red' },
        [],
      ]) {
        const response = await app.inject({
          method: 'POST',
          url: '/admin/endpoints',
          headers: auth,
          payload,
        });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json()).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      }
      expect(await database.db.select().from(notificationEndpoints)).toHaveLength(2);
    } finally {
      await close();
    }
  });

  test('/admin/endpoints/:id: disable, enable, rotate-secret and replay, with 400, 404 and 409 where they do not apply', async ({
    database,
    queuePrefix,
  }) => {
    const config = loadConfig(
      testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, ADMIN_TOKEN: TOKEN }),
    );
    const { app, close } = await startTestApp({ config });
    try {
      const { endpoint, secret } = (
        await app.inject({
          method: 'POST',
          url: '/admin/endpoints',
          headers: auth,
          payload: { url: 'http://127.0.0.1:4999/hooks', locations: ['loc-a'] },
        })
      ).json();
      const post = (path: string, payload?: unknown) =>
        app.inject({
          method: 'POST',
          url: `/admin/endpoints/${path}`,
          headers: auth,
          payload: payload ?? {},
        });

      const disabled = await post(`${endpoint.id}/disable`);
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json().endpoint).toMatchObject({ disabled_reason: 'disabled by an operator' });
      expect((await post(`${endpoint.id}/disable`)).statusCode).toBe(409);
      const replayDisabled = await post(`${endpoint.id}/replay`, { since: '2030-01-01T00:00:00Z' });
      expect(replayDisabled.statusCode).toBe(409);
      expect(replayDisabled.json()).toMatchObject({ error: 'endpoint_disabled' });
      expect((await post(`${endpoint.id}/enable`)).json().endpoint.disabled_at).toBeNull();
      expect((await post(`${endpoint.id}/enable`)).statusCode).toBe(409);

      const rotated = await post(`${endpoint.id}/rotate-secret`);
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().secret).toMatch(/^whsec_/);
      expect(rotated.json().secret).not.toBe(secret);
      expect(Date.parse(rotated.json().endpoint.previous_secret_valid_until)).toBeGreaterThan(Date.now());

      const replay = await post(`${endpoint.id}/replay`, { since: '2030-01-01T00:00:00+02:00' });
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual({ replayed: 0 });
      for (const payload of [
        {},
        { since: 'yesterday' },
        { since: '2030-01-01T00:00:00' },
        { since: 5 },
        // Past PostgreSQL's last instant once in UTC: refused by the schema, not by the database.
        { since: '9999-12-31T23:59:59-01:00' },
      ]) {
        const response = await post(`${endpoint.id}/replay`, payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().error, JSON.stringify(payload)).toBe('validation_failed');
      }
      const unknown = '0b0c5a55-1111-4222-8333-444455556666';
      for (const action of ['disable', 'enable', 'rotate-secret', 'replay']) {
        const missing = await post(`${unknown}/${action}`, { since: '2030-01-01T00:00:00Z' });
        expect(missing.statusCode, action).toBe(404);
        expect(missing.json()).toMatchObject({ error: 'not_found' });
        expect((await post(`not-a-uuid/${action}`)).statusCode, action).toBe(400);
      }
    } finally {
      await close();
    }
  });

  test('the OpenAPI document lists the endpoint routes behind the admin token', async ({ config }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const doc = (await app.inject({ url: '/docs/openapi.json' })).json();
      expect(doc.paths['/admin/endpoints'].post.security).toEqual([{ adminToken: [] }, { adminBasic: [] }]);
      expect(
        doc.paths['/admin/endpoints'].post.requestBody.content['application/json'].schema.required,
      ).toEqual(['url', 'locations']);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/admin/endpoints/{id}/disable',
          '/admin/endpoints/{id}/enable',
          '/admin/endpoints/{id}/rotate-secret',
          '/admin/endpoints/{id}/replay',
        ]),
      );
    } finally {
      await close();
    }
  });
});
