import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

describe('/docs', () => {
  test('serves an OpenAPI 3 document listing every staff route, and a browsable page', async ({ config }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toMatch(/^3\./);
      const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations).toEqual(
        expect.arrayContaining([
          'GET /api/ghl/citas/',
          'POST /api/ghl/citas/',
          'GET /api/ghl/citas/{id}/',
          'PUT /api/ghl/citas/{id}/',
          'POST /api/ghl/citas/{id}/cancel/',
          'GET /api/ghl/calendars/',
          'GET /api/ghl/calendars/{id}/free-slots',
          'GET /api/ghl/locations/{id}/settings',
          'PUT /api/ghl/locations/{id}/settings',
          'POST /api/webhooks/ghl/',
        ]),
      );
      const create = doc.paths['/api/ghl/citas/'].post;
      expect(create.security).toEqual([{ staffKey: [] }]);
      expect(create.requestBody.content['application/json'].schema.required).toEqual(
        expect.arrayContaining(['location_id', 'patient', 'start']),
      );
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['202', '400', '409', '422']));
      expect(
        doc.paths['/api/ghl/calendars/{id}/free-slots'].get.parameters.map((p: { name: string }) => p.name),
      ).toEqual(expect.arrayContaining(['id', 'location_id', 'start', 'end', 'timezone']));

      const page = await app.inject({ method: 'GET', url: '/docs' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('/docs/openapi.json');
    } finally {
      await close();
    }
  });
});
