import { postgresError } from '@ghl-bridge/db';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** Every error body ghl-bridge sends: a stable machine-readable `error` and a human `message`. */
export interface ErrorBody {
  error: string;
  message: string;
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

/**
 * Turns Fastify's own errors (bad JSON, body too large, wrong content type, schema
 * validation) into the `{ error, message }` shape, and anything unexpected into a 500 that
 * reveals nothing: its details go to the log only.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      request.log.warn(
        { err: { code: error.error, message: error.message }, status: error.statusCode },
        'request rejected',
      );
      return reply
        .code(error.statusCode)
        .send({ error: error.error, message: error.message, ...error.extra });
    }
    const status = error.validation ? 400 : (error.statusCode ?? 500);
    // PostgreSQL refusing a value (SQLSTATE class 22: NUL in text, a date or number out of
    // range) means a request value slipped past its validator: still the client's value, so a
    // 400, but logged as an error so the missing check gets written (the fuzz suite looks for it).
    const pg = status >= 500 ? postgresError(error) : undefined;
    if (pg?.code.startsWith('22')) {
      request.log.error({ err: { code: pg.code } }, 'request value refused by the database');
      return sendError(reply, 400, 'invalid_value', 'A value in the request cannot be stored');
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, 500, 'internal_error', 'Something went wrong on our side; it has been logged.');
    }
    request.log.warn({ err: { code: error.code, message: error.message }, status }, 'request rejected');
    return sendError(reply, status, ERROR_NAMES[status] ?? 'bad_request', error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
