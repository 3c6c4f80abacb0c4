import { STATUS_CODES } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** Who may call an operation: the `security` of each route's schema. */
export const SECURITY = {
  staff: [{ staffKey: [] }],
  admin: [{ adminToken: [] }, { adminBasic: [] }],
  workflowSecret: [{ workflowSecret: [] }],
  /** GHL's signature over the body, or nothing at all. */
  none: [],
} as const;

const TAGS = [
  { name: 'Citas', description: 'Staff bookings (RV3): stored at once, synced to GHL by a worker' },
  { name: 'Changes', description: 'Every change to a cita, in commit order, for RV3 to follow' },
  { name: 'Calendars', description: "A location's GHL calendars and free slots, from a cache" },
  { name: 'Locations', description: "A location's booking rules" },
  { name: 'Webhooks', description: 'GHL webhooks in: stored as jobs, answered 200 only once stored' },
  { name: 'Install', description: 'Installing the Marketplace app (OAuth)' },
  { name: 'Operations', description: 'For operators, behind ADMIN_TOKEN' },
  { name: 'Health', description: 'Liveness and readiness probes' },
];

/**
 * OpenAPI 3.1 built by @fastify/swagger from every route's own zod schemas: registered before the
 * routes, so it sees each one. Named schemas (`.meta({ id })`) become components.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const components = createJsonSchemaTransformObject({});
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ghl-bridge',
        version: '1.0.0',
        description:
          'Keeps a clinic appointment system (RV3) and GoHighLevel in step. Every path also answers with or without its trailing slash.',
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          staffKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'A staff API key (pnpm ghl-bridge keys create)',
          },
          adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          adminBasic: { type: 'http', scheme: 'basic', description: 'user admin, password ADMIN_TOKEN' },
          workflowSecret: {
            type: 'apiKey',
            in: 'header',
            name: 'X-GHL-Bridge-Secret',
            description: "A location's workflow secret (pnpm ghl-bridge workflow-secrets create)",
          },
        },
      },
    },
    // Routes that document nothing (Bull Board, these docs) say so with `hide`, as Fastify plugins do.
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (document) => finishDocument(components(document)),
  });
}

/**
 * `/docs`: Swagger UI, its assets served from the npm package by this process (nothing from
 * another origin, enforced by the page's CSP), and the document itself at `/docs/openapi.json`.
 */
export async function registerDocsPage(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    theme: { title: 'ghl-bridge API' },
    uiConfig: { deepLinking: true, displayOperationId: true },
  });
  app.get('/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Same origin only. Images and fonts may be inline (the logo is a data: URI), and so may styles:
 * Swagger UI sets some style attributes itself (styles cannot run code; scripts stay 'self' only).
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

type OpenApiDocument = ReturnType<ReturnType<typeof createJsonSchemaTransformObject>>;
type Operation = { responses?: Record<string, { description?: string }> };
type Components = { schemas?: Record<string, unknown> };

/**
 * Two touches on the generated document: a response without a description of its own gets the
 * HTTP reason ("Accepted", "Conflict") instead of "Default Response", and only the components an
 * operation uses are kept (the provider emits every named schema once as input and once as output).
 */
function finishDocument(document: OpenApiDocument): OpenApiDocument {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const operation of Object.values(paths).flatMap((item) => Object.values(item)))
    for (const [status, response] of Object.entries(operation.responses ?? {}))
      if (response.description === 'Default Response') response.description = STATUS_CODES[status] ?? status;

  const components = ('components' in document ? document.components : undefined) as Components | undefined;
  const schemas = components?.schemas ?? {};
  const used = new Set<string>();
  const pending: unknown[] = [paths];
  for (let next = pending.pop(); next !== undefined; next = pending.pop())
    for (const [, name] of JSON.stringify(next).matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      if (name && !used.has(name)) {
        used.add(name);
        pending.push(schemas[name] ?? {});
      }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } } as OpenApiDocument;
}
