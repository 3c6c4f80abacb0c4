import type { z } from 'zod';

/**
 * GHL (a NestJS stack) answers errors as `{statusCode, message, error}`; validation errors
 * (class-validator) carry `message: string[]` with status 422. See common-schemas.json.
 */
export interface GhlErrorBody {
  statusCode: number;
  message: string | string[];
  error?: string;
  traceId?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reason(status: number): string {
  return REASONS[status] ?? 'Error';
}

export class GhlError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: GhlErrorBody,
  ) {
    super(Array.isArray(body.message) ? body.message.join(', ') : body.message);
  }
}

export function ghlError(statusCode: number, message: string | string[]): GhlError {
  return new GhlError(statusCode, { statusCode, message, error: reason(statusCode) });
}

/** The exact 401 body GHL documents for a bad or expired bearer token. */
export function invalidToken(): GhlError {
  return ghlError(401, 'Invalid token: access token is invalid');
}

/**
 * Turns zod issues into class-validator-style messages ("property x should not exist",
 * "email must be a string") so clients that join `message[]` see familiar text.
 */
function validationMessages(error: z.ZodError): string[] {
  const out: string[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`property ${path ? `${path}.` : ''}${key} should not exist`);
    } else if (issue.code === 'invalid_type') {
      out.push(`${path || 'body'} must be a ${issue.expected}`);
    } else if (issue.code === 'invalid_value') {
      out.push(`${path} must be one of the following values: ${issue.values.map(String).join(', ')}`);
    } else {
      out.push(`${path || 'body'} ${issue.message}`);
    }
  }
  return out;
}

export function parseOr422<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw ghlError(422, validationMessages(result.error));
  return result.data;
}
