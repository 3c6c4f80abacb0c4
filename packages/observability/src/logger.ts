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
  };
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(options);
}
