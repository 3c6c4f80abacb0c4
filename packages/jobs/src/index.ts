export { queuePrefix } from '@ghl-bridge/redis';
export { defineJob, type JobDefinition, QUEUE_NAMES, type QueueName } from './define-job.js';
export { citaSync, citaSyncJobId } from './definitions/cita-sync.js';
export {
  ghlCalendars,
  ghlFreeSlots,
  ghlInstallLocation,
  ghlOauthExchange,
  oauthCodeKey,
} from './definitions/ghl-reads.js';
export { reconcileAll, reconcileLocation, retentionPrune } from './definitions/maintenance.js';
export { OUTBOX_SWEEP_EVERY_MS, OUTBOX_SWEEP_SCHEDULER_ID, outboxSweep } from './definitions/outbox-sweep.js';
export { webhookProcess } from './definitions/webhook-process.js';
export { type CalendarSummary, DiscoveryCache, type FreeSlotsQuery } from './discovery-cache.js';
export { sha256Hex, webhookJobId } from './job-ids.js';
export {
  closeQueues,
  createQueues,
  enqueue,
  type QueueOptions,
  type Queues,
  scheduleEvery,
} from './queues.js';
export {
  isJobName,
  type JobName,
  type JobPayload,
  type JobRegistry,
  jobRegistry,
  jobsOfQueue,
} from './registry.js';
