export { hasAdminToken } from './admin-token.js';
export { onShutdownSignal, type ShutdownStep } from './graceful-shutdown.js';
export { createLogger, type Logger, type LoggerConfig, REDACTED_PATHS } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
