import { sweepOutbox } from '../outbox/sweep-outbox.js';
import type { Processor } from './types.js';

export const processOutboxSweep: Processor<'outbox.sweep'> = async ({ deps, log }) =>
  sweepOutbox(deps.db, deps.queues, { log });
