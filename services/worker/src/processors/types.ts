import type { Db } from '@ghl-bridge/db';
import type { JobName, JobPayload, Queues } from '@ghl-bridge/jobs';
import type { Logger } from '@ghl-bridge/observability';
import type { Job } from 'bullmq';
import type { CitaSync } from '../citas/cita-sync.js';
import type { WebhookEffect } from '../webhooks/record-webhook-event.js';

/** What every processor may use; passed by hand, no container. */
export interface WorkerDeps {
  db: Db;
  log: Logger;
  /** What each GHL event type changes; tests swap in failing or counting effects. */
  webhookEffects: Readonly<Record<string, WebhookEffect>>;
  /** The GHL calls of `cita.sync`; main.ts wires the GHL client in. */
  citaSync: CitaSync;
  /** Producers, for jobs that enqueue others (the outbox sweeper). */
  queues: Queues;
}

export interface ProcessorContext<Name extends JobName> {
  payload: JobPayload<Name>;
  job: Job;
  deps: WorkerDeps;
  /** Child logger carrying job name, id, attempt and request id. */
  log: Logger;
}

export type Processor<Name extends JobName> = (context: ProcessorContext<Name>) => Promise<unknown>;
export type Processors = { [Name in JobName]: Processor<Name> };
