import { z } from 'zod';
import type { DocumentedRoute } from './route-catalog.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  // Refinements and transforms cannot be expressed; their input side (what a client sends) is.
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;

/** The properties of an object schema as OpenAPI parameters (path, query or header). */
function parameters(schema: z.ZodType | undefined, location: 'path' | 'query' | 'header') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const SECURITY: Record<DocumentedRoute['auth'], Array<Record<string, string[]>>> = {
  staff: [{ staffKey: [] }],
  admin: [{ adminToken: [] }, { adminBasic: [] }],
  'ghl-signature': [],
  'workflow-secret': [{ workflowSecret: [] }],
  public: [],
};

/** OpenAPI 3.0 for the documented routes, generated from the schemas the handlers enforce. */
export function buildOpenApi(routes: DocumentedRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { schemas } = route;
    const responses = Object.fromEntries(
      Object.entries(schemas.response ?? {}).map(([status, schema]) => [
        status,
        {
          description: Number(status) < 400 ? 'Success' : 'Error',
          content: { 'application/json': { schema: toSchema(schema, 'output') } },
        },
      ]),
    );
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      security: SECURITY[route.auth],
      parameters: [
        ...parameters(schemas.params, 'path'),
        ...parameters(schemas.querystring, 'query'),
        ...parameters(schemas.headers, 'header'),
      ],
      ...(schemas.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(schemas.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'ghl-bridge',
      version,
      description:
        'Keeps a clinic appointment system (RV3) and GoHighLevel in step. Every path also answers without its trailing slash.',
    },
    paths,
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
  };
}
