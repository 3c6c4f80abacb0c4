export { createLogger, type Logger, type LoggerConfig, REDACTED_PATHS } from './logger.js';
