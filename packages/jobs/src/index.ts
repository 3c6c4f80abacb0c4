export { queuePrefix } from '@ghl-bridge/redis';
export { defineJob, type JobDefinition, QUEUE_NAMES, type QueueName } from './define-job.js';
export { citaSync, citaSyncJobId } from './definitions/cita-sync.js';
export { contactFetch, contactFetchJobId } from './definitions/contact-fetch.js';
export {
  ghlCalendars,
  ghlForgetTokens,
  ghlFreeSlots,
  ghlInstallCompany,
  ghlInstallLocation,
  ghlOauthExchange,
  oauthCodeKey,
  oauthExchangeJobId,
} from './definitions/ghl-reads.js';
export {
  reconcileAll,
  reconcileDedupId,
  reconcileLocation,
  retentionPrune,
} from './definitions/maintenance.js';
export { notificationDeliver, notificationJobId } from './definitions/notification-deliver.js';
export { OUTBOX_SWEEP_EVERY_MS, OUTBOX_SWEEP_SCHEDULER_ID, outboxSweep } from './definitions/outbox-sweep.js';
export { type WebhookSource, webhookProcess, webhookSource } from './definitions/webhook-process.js';
export { type CalendarSummary, DiscoveryCache, type FreeSlotsQuery } from './discovery-cache.js';
export { type GhlRefusal, isGhlRefusal } from './ghl-refusal.js';
export { installJobId, sha256Hex, webhookJobId } from './job-ids.js';
export {
  closeQueues,
  createQueues,
  enqueue,
  enqueueReconcile,
  type QueueOptions,
  type Queues,
  scheduleEvery,
} from './queues.js';
export {
  isJobName,
  type JobInput,
  type JobName,
  type JobPayload,
  type JobRegistry,
  jobRegistry,
  jobsOfQueue,
} from './registry.js';
export {
  isWorkflowEventType,
  KNOWN_WEBHOOK_TYPES,
  WORKFLOW_EVENT_TYPES,
  webhookTypeLabel,
} from './webhook-types.js';
