import type { z } from 'zod';
import {
  GhlPermanentError,
  GhlSlotUnavailableError,
  GhlTransientError,
  SLOT_UNAVAILABLE_MESSAGE,
} from '../errors.js';
import type { GhlRequest, GhlResponse } from './ghl-http.js';

/** GHL error bodies: `{statusCode, message, error, traceId}`, `message` a list on 422. */
export function ghlMessage(body: unknown): { message: string; traceId?: string } {
  if (body && typeof body === 'object') {
    const { message, traceId } = body as { message?: unknown; traceId?: unknown };
    const text = Array.isArray(message)
      ? message.join('; ')
      : typeof message === 'string'
        ? message
        : JSON.stringify(body);
    return { message: text, traceId: typeof traceId === 'string' ? traceId : undefined };
  }
  return { message: typeof body === 'string' && body ? body.slice(0, 500) : 'no body' };
}

/** Success parsed by its schema; every failure turned into its error kind (429 is handled by the caller). */
export function interpretResponse<T>(request: GhlRequest, response: GhlResponse, schema: z.ZodType<T>): T {
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    const parsed = schema.safeParse(body);
    // GHL changed shape under us: retrying will not fix it, and an operator must look.
    if (!parsed.success)
      throw new GhlPermanentError(
        status,
        `unexpected response to ${request.endpoint}: ${parsed.error.message}`,
      );
    return parsed.data;
  }
  const { message, traceId } = ghlMessage(body);
  // The client has already refreshed once for any other 401: both fail for good.
  if (status === 401)
    throw new GhlPermanentError(
      401,
      missingScope(response)
        ? `${request.endpoint}: ${message} (install the app again with this scope)`
        : `${request.endpoint}: 401 after a refresh: ${message}`,
      traceId,
    );
  if (status >= 500 || status === 408)
    throw new GhlTransientError(`${request.endpoint}: ${status} ${message}`, status, traceId);
  if (message.includes(SLOT_UNAVAILABLE_MESSAGE)) throw new GhlSlotUnavailableError(status, message, traceId);
  throw new GhlPermanentError(status, message, traceId);
}

/** GHL's 401 for a token that lacks the endpoint's scope (not an expired one). */
export const missingScope = (response: GhlResponse) =>
  /not authorized for this scope/i.test(ghlMessage(response.body).message);
