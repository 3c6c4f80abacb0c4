import type { z } from 'zod';
import type { QueueName } from './define-job.js';
import { citaSync } from './definitions/cita-sync.js';
import { contactFetch } from './definitions/contact-fetch.js';
import {
  ghlCalendars,
  ghlForgetTokens,
  ghlFreeSlots,
  ghlInstallCompany,
  ghlInstallLocation,
  ghlOauthExchange,
} from './definitions/ghl-reads.js';
import { reconcileAll, reconcileLocation, retentionPrune } from './definitions/maintenance.js';
import { notificationDeliver } from './definitions/notification-deliver.js';
import { outboxSweep } from './definitions/outbox-sweep.js';
import { webhookProcess } from './definitions/webhook-process.js';

/** Every job ghl-bridge runs. Ingress enqueues through it; the worker must process each one. */
export const jobRegistry = {
  [webhookProcess.name]: webhookProcess,
  [citaSync.name]: citaSync,
  [contactFetch.name]: contactFetch,
  [outboxSweep.name]: outboxSweep,
  [ghlCalendars.name]: ghlCalendars,
  [ghlFreeSlots.name]: ghlFreeSlots,
  [ghlInstallLocation.name]: ghlInstallLocation,
  [ghlInstallCompany.name]: ghlInstallCompany,
  [ghlForgetTokens.name]: ghlForgetTokens,
  [ghlOauthExchange.name]: ghlOauthExchange,
  [reconcileAll.name]: reconcileAll,
  [reconcileLocation.name]: reconcileLocation,
  [retentionPrune.name]: retentionPrune,
  [notificationDeliver.name]: notificationDeliver,
} as const;

export type JobRegistry = typeof jobRegistry;
export type JobName = keyof JobRegistry;
export type JobPayload<Name extends JobName> = z.infer<JobRegistry[Name]['schema']>;
/** What a producer passes: the payload before its schema's defaults are applied. */
export type JobInput<Name extends JobName> = z.input<JobRegistry[Name]['schema']>;

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(jobRegistry) as JobName[]).filter((name) => jobRegistry[name].queue === queue);
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobRegistry, name);
}
