import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';

/**
 * Queues are split by who waits on them: a webhook flood never delays a staff action, and a
 * calendar lookup a person is waiting for never queues behind a sync backlog or a reconciliation.
 * `notifications` carries outbound webhooks to RV3, so a slow receiver holds up nothing else.
 */
export const QUEUE_NAMES = ['webhooks', 'citas', 'ghl-reads', 'maintenance', 'notifications'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Dotted, e.g. `webhook.process`; the worker dispatches on it. */
  name: Name;
  queue: QueueName;
  /** Parsed on both sides: ingress before enqueueing, the worker before processing. */
  schema: Schema;
  /** Attempts, backoff and retention for every job of this kind. */
  options: JobsOptions;
}

export function defineJob<const Name extends string, Schema extends z.ZodType>(
  definition: JobDefinition<Name, Schema>,
): JobDefinition<Name, Schema> {
  return definition;
}
