import { postgresError } from '@ghl-bridge/db';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

/** Every error body ghl-bridge sends: a stable machine-readable `error` and a human `message`. */
export interface ErrorBody {
  error: string;
  message: string;
}

export interface ValidationDetail {
  /** Dotted path of the offending field, e.g. `patient.email`; empty for the whole value. */
  path: string;
  message: string;
}

/** The error body as a named schema: every route's 4xx and 5xx answers in the OpenAPI document. */
export const errorJson = z
  .object({
    error: z.string().describe('Stable, machine-readable code, e.g. `validation_failed` or `conflict`'),
    message: z.string().describe('What went wrong, for a person to read'),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('`validation_failed` only: each bad field, by dotted path'),
  })
  .loose()
  .meta({ id: 'ApiError', description: 'An error; some carry more fields, e.g. `conflicting_cita_id`' });

/** `{ 400: errorJson, 401: errorJson, … }`: a route's error statuses, all with the error body. */
export function errorResponses<const Status extends number>(
  ...statuses: Status[]
): Record<Status, typeof errorJson> {
  return Object.fromEntries(statuses.map((status) => [status, errorJson])) as Record<
    Status,
    typeof errorJson
  >;
}

/**
 * A rejection a handler decides on: its status, stable `error` code, message and any extra
 * fields (`details` for validation issues, `conflicting_cita_id` for overlaps).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ErrorBody);
}

const ERROR_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'unavailable',
  504: 'timeout',
};

/** The request part a schema refused, as clients know it. */
const PART_NAMES: Record<string, string> = {
  params: 'path',
  querystring: 'query',
  body: 'body',
  headers: 'headers',
};

/**
 * A request the route's schema refused (the zod type provider's issues, one per bad field):
 * 400 `validation_failed` naming every bad field of the first part that failed.
 */
/**
 * Keys come from the client: one is named back (in the answer and the log) only when it looks
 * like a field name, never when it holds NUL, control characters or a megabyte.
 */
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const shownKey = (key: string) => (FIELD_NAME.test(key) ? key : '(a key that is not a field name)');

function messageOf(issue: NonNullable<FastifyError['validation']>[number]): string {
  const keys = (issue.params as { keys?: unknown } | undefined)?.keys;
  if (issue.keyword !== 'unrecognized_keys' || !Array.isArray(keys)) return issue.message ?? 'invalid';
  const named = keys.map((k) => (FIELD_NAME.test(String(k)) ? `"${String(k)}"` : shownKey(String(k))));
  return `Unrecognized key${named.length > 1 ? 's' : ''}: ${named.join(', ')}`;
}

function validationError(error: FastifyError): ApiError {
  const details: ValidationDetail[] = (error.validation ?? []).map((issue) => ({
    // The provider joins zod's issue path with slashes: `/patient/email`, `/` for the whole value.
    path: issue.instancePath.split('/').filter(Boolean).map(shownKey).join('.'),
    message: messageOf(issue),
  }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  const part = PART_NAMES[error.validationContext ?? ''] ?? 'request';
  return new ApiError(400, 'validation_failed', `Invalid ${part}: ${summary}`, { details });
}

/**
 * Turns Fastify's own errors (bad JSON, body too large, wrong content type, schema
 * validation) into the `{ error, message }` shape, and anything unexpected into a 500 that
 * reveals nothing: its details go to the log only.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    const error = thrown.validation ? validationError(thrown) : thrown;
    if (error instanceof ApiError) {
      request.log.warn(
        { err: { code: error.error, message: error.message }, status: error.statusCode },
        'request rejected',
      );
      return reply
        .code(error.statusCode)
        .send({ error: error.error, message: error.message, ...error.extra });
    }
    const status = error.statusCode ?? 500;
    // PostgreSQL refusing a value (SQLSTATE class 22: NUL in text, a date or number out of
    // range) means a request value slipped past its validator: still the client's value, so a
    // 400, but logged as an error so the missing check gets written (the fuzz suite looks for it).
    const pg = status >= 500 ? postgresError(error) : undefined;
    if (pg?.code.startsWith('22')) {
      request.log.error({ err: { code: pg.code } }, 'request value refused by the database');
      return sendError(reply, 400, 'invalid_value', 'A value in the request cannot be stored');
    }
    if (status >= 500) {
      if (error.code === 'FST_ERR_RESPONSE_SERIALIZATION') {
        // Our answer broke its own route's schema: a bug here, never the client's. The issues
        // name fields and rules only (zod does not copy values into them), so they may be logged.
        const issues = error.cause instanceof z.core.$ZodError ? error.cause.issues : [];
        request.log.error(
          {
            status: reply.statusCode,
            issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
          'response does not match its schema',
        );
      } else request.log.error({ err: error }, 'request failed');
      return sendError(reply, 500, 'internal_error', 'Something went wrong on our side; it has been logged.');
    }
    request.log.warn({ err: { code: error.code, message: error.message }, status }, 'request rejected');
    return sendError(reply, status, ERROR_NAMES[status] ?? 'bad_request', error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
