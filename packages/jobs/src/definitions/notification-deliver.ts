import { z } from 'zod';
import { defineJob } from '../define-job.js';

/**
 * One attempt series of one delivery to an RV3 endpoint. Its retries on the receiver's
 * failures follow NOTIFICATION_RETRY_SCHEDULE (the processor delays the job, no attempt used);
 * `attempts` here covers only our own failures (PostgreSQL away, a crash).
 */
export const notificationDeliver = defineJob({
  name: 'notification.deliver',
  queue: 'notifications',
  schema: z.object({
    deliveryId: z.number().int().positive(),
    // The delivery's generation when queued: a replay starts a new one, with its own job.
    generation: z.number().int().min(0),
  }),
  options: {
    attempts: 20,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    // The delivery row is the record (attempts, codes, latency) and its status guards reruns.
    removeOnComplete: { count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** One job per delivery and generation: adding it twice (release races, sweeps) gives one job. */
export const notificationJobId = (deliveryId: number, generation: number): string =>
  `ntf-${deliveryId}-g${generation}`;
