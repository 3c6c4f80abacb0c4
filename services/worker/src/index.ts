// For tests and tools that drive the worker in-process; the service itself starts from main.ts.
export { createWorkers, dispatch, type WorkerOptions } from './create-workers.js';
export { processors, type WorkerDeps } from './processors/index.js';
export { webhookEffects } from './webhooks/effects.js';
