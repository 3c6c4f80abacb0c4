import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import {
  type FastifyPluginAsyncZod,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';

/**
 * The app as route files see it: each route declares its params, querystring, headers, body
 * and responses as zod schemas once, and gets its request parts parsed and typed from them.
 */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export type { FastifyPluginAsyncZod };

/**
 * Requests are validated, and responses serialised, by the route's own zod schemas: a request
 * that does not match is a 400 (see errors.ts), an answer that does not match is a logged 500.
 */
export function useZodSchemas(app: FastifyInstance): ZodApp {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}
