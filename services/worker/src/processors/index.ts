import { processCitaSync } from './cita-sync.js';
import { processContactFetch } from './contact-fetch.js';
import { processGhlOauthExchange } from './ghl-oauth-exchange.js';
import { processGhlCalendars, processGhlFreeSlots } from './ghl-reads.js';
import {
  processGhlForgetTokens,
  processGhlInstallCompany,
  processGhlInstallLocation,
  processReconcileAll,
  processReconcileLocation,
  processRetentionPrune,
} from './maintenance.js';
import { processNotificationDeliver } from './notification-deliver.js';
import { processOutboxSweep } from './outbox-sweep.js';
import type { Processors } from './types.js';
import { processWebhook } from './webhook-process.js';

/** One processor per registered job; the type makes a missing one a compile error. */
export const processors: Processors = {
  'webhook.process': processWebhook,
  'cita.sync': processCitaSync,
  'ghl.contact-fetch': processContactFetch,
  'outbox.sweep': processOutboxSweep,
  'ghl.calendars': processGhlCalendars,
  'ghl.free-slots': processGhlFreeSlots,
  'reconcile.all': processReconcileAll,
  'reconcile.location': processReconcileLocation,
  'retention.prune': processRetentionPrune,
  'ghl.install-location': processGhlInstallLocation,
  'ghl.install-company': processGhlInstallCompany,
  'ghl.forget-tokens': processGhlForgetTokens,
  'ghl.oauth-exchange': processGhlOauthExchange,
  'notification.deliver': processNotificationDeliver,
};

export type { NotificationDeps, Processor, ProcessorContext, Processors, WorkerDeps } from './types.js';
