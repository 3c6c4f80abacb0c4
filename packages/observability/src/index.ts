export { onShutdownSignal, type ShutdownStep } from './graceful-shutdown.js';
export { createLogger, type Logger, type LoggerConfig, REDACTED_PATHS } from './logger.js';
