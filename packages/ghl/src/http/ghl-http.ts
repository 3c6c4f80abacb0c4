import got, { type Got, RequestError } from 'got';
import { GhlTransientError } from '../errors.js';

/** GHL's `Version` header per endpoint family (shared/ghl-api.md §0). /oauth/token takes none. */
export const GHL_VERSION = { calendars: '2021-04-15', contacts: '2021-07-28', oauth: '2021-07-28' } as const;

export interface GhlRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API base, without a leading slash, e.g. `calendars/events`. */
  path: string;
  /** Metric and log label with ids replaced, e.g. `GET /calendars/:id`. */
  endpoint: string;
  version?: string | undefined;
  bearer?: string | undefined;
  searchParams?: Record<string, string | number | boolean | undefined> | undefined;
  json?: unknown;
  form?: Record<string, string | undefined> | undefined;
}

export interface GhlResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type GhlHttp = (request: GhlRequest) => Promise<GhlResponse>;

/**
 * The wire: got with a timeout and its own retry only for brief network failures of idempotent
 * methods. Status codes are not retried here: they go back to the caller, whose queue decides.
 */
export function createGhlHttp({ baseUrl, timeoutMs }: { baseUrl: string; timeoutMs: number }): GhlHttp {
  const client: Got = got.extend({
    prefixUrl: baseUrl,
    timeout: { request: timeoutMs },
    throwHttpErrors: false,
    retry: { limit: 2, methods: ['GET', 'PUT', 'DELETE'], statusCodes: [], backoffLimit: 500 },
    headers: { accept: 'application/json', 'user-agent': 'ghl-bridge' },
  });

  return async (request) => {
    const headers: Record<string, string> = {};
    if (request.version) headers.version = request.version;
    if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
    const searchParams = request.searchParams
      ? (Object.fromEntries(
          Object.entries(request.searchParams).filter(([, v]) => v !== undefined),
        ) as Record<string, string | number | boolean>)
      : undefined;
    try {
      const response = await client(request.path, {
        method: request.method,
        headers,
        searchParams,
        json: request.json,
        form: request.form
          ? Object.fromEntries(Object.entries(request.form).filter(([, v]) => v !== undefined))
          : undefined,
      });
      return { status: response.statusCode, headers: response.headers, body: parseBody(response.body) };
    } catch (error) {
      if (error instanceof RequestError) {
        throw new GhlTransientError(
          `${request.endpoint}: ${error.code ?? 'network error'} (${error.message})`,
        );
      }
      throw error;
    }
  };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
