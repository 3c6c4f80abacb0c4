import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors in every log line. Headers are lower-cased by Node; the wildcards catch
 * tokens wherever a payload, an error or a job carries them.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ghl-signature"]',
  'req.headers["x-wh-signature"]',
  'req.headers["x-ghl-bridge-secret"]',
  'headers.authorization',
  'headers["x-ghl-signature"]',
  'headers["x-wh-signature"]',
  'headers["x-ghl-bridge-secret"]',
  '*.headers.authorization',
  'authorization',
  'signature',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'apiKey',
  '*.authorization',
  '*.signature',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.secret',
  '*.apiKey',
];

/** Paths whose query string holds a secret (GHL's one-time authorisation code): logged without it. */
const SECRET_QUERY_PATHS = ['/oauth/callback'];

/** The request as Fastify logs it, minus the query string of routes that carry a secret in it. */
function serializeRequest(request: {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host ?? request.hostname,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}

function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const question = url.indexOf('?');
  if (question < 0) return url;
  const path = url.slice(0, question).replace(/\/+$/, '') || '/';
  return SECRET_QUERY_PATHS.includes(path) ? `${url.slice(0, question)}?[redacted]` : url;
}

/**
 * Fields of an error that may carry data rather than describe the failure: drizzle's `params`
 * (a query's bound values: patient names, phones), postgres.js's `parameters`, and
 * PostgreSQL's `detail` (the offending key's values). The message, code and constraint stay.
 */
const DATA_FIELDS = new Set(['params', 'parameters', 'detail']);

/**
 * pino's error serializer, minus the data: drizzle also writes the bound values into the
 * message (`Failed query: …\nparams: …`), so that part of the message and stack goes too.
 * Causes are serialized the same way, nested.
 */
function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const hasParams = 'params' in error || 'parameters' in error;
  const cut = hasParams ? error.message.indexOf('\nparams: ') : -1;
  const message = cut >= 0 ? error.message.slice(0, cut) : error.message;
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message,
    stack: error.stack?.replace(error.message, message),
  };
  for (const [key, value] of Object.entries(error)) {
    if (DATA_FIELDS.has(key) || key === 'cause' || key in out) continue;
    out[key] = value instanceof Error ? serializeError(value, depth + 1) : value;
  }
  if (error.cause !== undefined && depth < 5) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

export interface LoggerConfig {
  /** Process name, e.g. `ingress` or `worker`: one root logger per process. */
  name: string;
  level: LoggerOptions['level'];
  /** Human-readable output; defaults to true only when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests capture them to prove redaction). */
  destination?: DestinationStream;
}

export function createLogger({
  name,
  level,
  pretty = process.stdout.isTTY === true,
  destination,
}: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      err: (e: unknown) => serializeError(e),
      error: (e: unknown) => serializeError(e),
      req: serializeRequest,
    },
  };
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(options);
}
