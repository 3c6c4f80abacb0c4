import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { closedPort, startTestApp } from './test-app.js';

describe('health', () => {
  test('/healthz answers while the process is alive', async ({ config }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    } finally {
      await close();
    }
  });

  test('/readyz is ready when Redis and Postgres answer', async ({ config }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz/' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok' } });
    } finally {
      await close();
    }
  });

  test('/readyz answers 503 naming Postgres when Postgres is unreachable', async ({ config }) => {
    const databaseUrl = `postgres://postgres@127.0.0.1:${await closedPort()}/nothing`;
    const { app, close } = await startTestApp({ config, databaseUrl });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'not_ready',
        message: 'Unavailable: postgres',
        checks: { redis: 'ok', postgres: 'unavailable' },
      });
    } finally {
      await close();
    }
  });

  test('/readyz answers 503 naming Redis when Redis is unreachable', async ({ config }) => {
    const { app, close } = await startTestApp({
      config,
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks).toEqual({ redis: 'unavailable', postgres: 'ok' });
    } finally {
      await close();
    }
  });

  test('unknown routes get a JSON 404', async ({ config }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const response = await app.inject({ method: 'GET', url: '/nope?x=1' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope' });
    } finally {
      await close();
    }
  });
});
