import { test } from '@ghl-bridge/testing';
import type { RouteOptions } from 'fastify';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { startTestApp } from './test-app.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown;
  parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

/** `/api/ghl/citas/:id/` as OpenAPI writes it: `/api/ghl/citas/{id}/`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** The property names of a route's zod object schema (params, querystring or headers). */
function keysOf(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Every route the app registered, as the document must show it (hidden ones and HEAD aside). */
async function documentAndRoutes(config: Parameters<typeof startTestApp>[0]['config']) {
  const routes: RouteOptions[] = [];
  const { app, close } = await startTestApp({ config, onRoute: (route) => void routes.push(route) });
  const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
  return { app, close, response, document: response.json() as Document, routes };
}

describe('/docs/openapi.json', () => {
  test('documents exactly the routes the app registers: every one, every status, no more', async ({
    config,
  }) => {
    const { close, response, document, routes } = await documentAndRoutes(config);
    try {
      expect(response.statusCode).toBe(200);
      expect(document.openapi).toBe('3.1.0');

      const declared = routes
        .filter((route) => route.method !== 'HEAD' && !(route.schema as { hide?: boolean })?.hide)
        .flatMap((route) =>
          [route.method].flat().map((method) => ({ key: `${method} ${openApiPath(route.url)}`, route })),
        );
      // Bull Board, the docs page and its assets hide themselves; everything else is the API.
      expect(declared.length).toBeGreaterThan(15);
      const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.sort()).toEqual(declared.map((d) => d.key).sort());

      const operationIds = new Set<string>();
      for (const { key, route } of declared) {
        const [method = '', path = ''] = key.split(' ');
        const operation = document.paths[path]?.[method.toLowerCase()] as Operation;
        const schema = route.schema as Record<string, unknown> & { response?: Record<string, unknown> };
        expect(operation.operationId, key).toBe(schema.operationId);
        expect(operation.operationId, key).toMatch(/^[a-z][A-Za-z]+$/);
        expect(operationIds.has(operation.operationId ?? ''), `${key}: operationId used twice`).toBe(false);
        operationIds.add(operation.operationId ?? '');
        expect(operation.tags, key).toEqual(schema.tags);
        expect(operation.tags?.length, key).toBeGreaterThan(0);
        expect(operation.security, key).toEqual(schema.security);
        expect(Object.keys(operation.responses).sort(), key).toEqual(
          Object.keys(schema.response ?? {}).sort(),
        );
        expect(operation.requestBody !== undefined, `${key}: request body`).toBe(schema.body !== undefined);
        const parameters = (operation.parameters ?? []).map((p) => `${p.in} ${p.name}`).sort();
        const expectedParameters = [
          ...keysOf(schema.params).map((name) => `path ${name}`),
          ...keysOf(schema.querystring).map((name) => `query ${name}`),
          ...keysOf(schema.headers).map((name) => `header ${name}`),
        ].sort();
        expect(parameters, key).toEqual(expectedParameters);
        for (const parameter of operation.parameters ?? [])
          expect(parameter.schema?.anyOf ?? ['a schema'], `${key} ${parameter.name}`).not.toEqual([]);
      }
    } finally {
      await close();
    }
  });

  test('names the shared schemas as components, and every reference resolves', async ({ config }) => {
    const { close, document } = await documentAndRoutes(config);
    try {
      const names = Object.keys(document.components.schemas);
      for (const name of ['Cita', 'ApiError', 'LocationSettings', 'Change', 'Calendar', 'CitaCreateInput'])
        expect(names).toContain(name);
      const references = [
        ...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
      ].map(([, name]) => name);
      // Each component is used, and each reference names a component.
      expect(new Set(references)).toEqual(new Set(names));
      const create = document.paths['/api/ghl/citas/']?.post;
      expect(create?.responses['202']).toEqual({
        description: 'Accepted',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Cita' } } },
      });
      expect(create?.responses['409']).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      });
    } finally {
      await close();
    }
  });
});

describe('/docs', () => {
  test('is a page whose scripts, styles and images all come from this server, under a same-origin CSP', async ({
    config,
  }) => {
    const { app, close } = await startTestApp({ config });
    try {
      const page = await app.inject({ method: 'GET', url: '/docs' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toMatch(/https?:|\*/);
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url ?? '');
      expect(assets.length).toBeGreaterThan(3);
      for (const asset of assets) {
        expect(asset, 'no other origin').not.toMatch(/^(?:[a-z]+:)?\/\//i);
        const served = await app.inject({ method: 'GET', url: new URL(asset, 'http://x/docs').pathname });
        expect(served.statusCode, asset).toBe(200);
      }
    } finally {
      await close();
    }
  });
});
