// For tests and tools that drive the worker in-process; the service itself starts from main.ts.

export { type CitaSync, type CitaSyncRequest, citaSyncNotConfigured } from './citas/cita-sync.js';
export { type GhlAppointmentBody, toGhlAppointmentBody } from './citas/ghl-appointment-body.js';
export { createGhlCitaSync } from './citas/ghl-cita-sync.js';
export { createWorkers, dispatch, type WorkerOptions } from './create-workers.js';
export { createDeliveryStore, type DeliveryStore } from './notifications/delivery-store.js';
export {
  type DispatcherOptions,
  type NotificationDispatcher,
  startNotificationDispatcher,
} from './notifications/dispatcher.js';
export { type PostDelivery, type PostResult, postDelivery } from './notifications/post-delivery.js';
export { scheduleOutboxSweep } from './outbox/schedule-outbox-sweep.js';
export { type SweepResult, sweepOutbox } from './outbox/sweep-outbox.js';
export { type NotificationDeps, processors, type WorkerDeps } from './processors/index.js';
export { webhookEffects } from './webhooks/effects/index.js';
