import { processCitaSync } from './cita-sync.js';
import { processOutboxSweep } from './outbox-sweep.js';
import type { Processors } from './types.js';
import { processWebhook } from './webhook-process.js';

/** One processor per registered job; the type makes a missing one a compile error. */
export const processors: Processors = {
  'webhook.process': processWebhook,
  'cita.sync': processCitaSync,
  'outbox.sweep': processOutboxSweep,
};

export type { Processor, ProcessorContext, Processors, WorkerDeps } from './types.js';
