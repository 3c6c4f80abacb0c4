import type { FastifyPluginAsync } from 'fastify';
import { buildOpenApi } from './openapi.js';
import { documentedRoutes } from './route-catalog.js';

// Redoc renders the document in the reader's browser; the JSON is also served on its own.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ghl-bridge API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/docs/openapi.json"></redoc>
<noscript>The API description is at <a href="/docs/openapi.json">/docs/openapi.json</a>.</noscript>
<script src="https://cdn.redoc.ly/redoc/v2.1.5/bundles/redoc.standalone.js"></script></body></html>`;

/** `/docs` (a browsable page) and `/docs/openapi.json`, built once at start. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  const document = buildOpenApi(documentedRoutes, '1.0.0');
  app.get('/docs/openapi.json', async () => document);
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
};
