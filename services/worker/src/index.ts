// For tests and tools that drive the worker in-process; the service itself starts from main.ts.

export type { CitaSync, CitaSyncRequest } from './citas/cita-sync.js';
export { createWorker, type RunningWorker, type WorkerOverrides } from './create-worker.js';
export { type SweepResult, sweepOutbox } from './outbox/sweep-outbox.js';
export type { NotificationDeps, WorkerDeps } from './processors/index.js';
export type { WebhookEffects } from './webhooks/apply-webhook-events.js';
export { webhookEffects } from './webhooks/effects/index.js';
