import { createRedis, queuePrefix, type RedisSettings } from '@ghl-bridge/redis';
import { type Job, Queue } from 'bullmq';

export interface JobStats {
  jobs: number;
  /** Jobs started more than once: retried, delayed by a rate limit, or recovered after a stall. */
  restarted: number;
  /** Jobs BullMQ found stalled (their worker died or lost Redis) and handed on. */
  stalled: number;
  /** Starts that were not attempts: rate-limit delays (attemptsStarted - attemptsMade, summed). */
  delaysWithoutAttempt: number;
  /** Failed attempts (attemptsMade - 1 on completed jobs, attemptsMade on failed ones), summed. */
  failedAttempts: number;
  maxAttemptsMade: number;
  failedForGood: number;
  byId: Map<string, Job>;
}

/** Reads every job of one queue (the suite's own Redis and prefix) and totals its attempt counters. */
export async function jobStats(redis: RedisSettings, prefix: string, queueName: string): Promise<JobStats> {
  const connection = createRedis(redis, 'command');
  const queue = new Queue(queueName, { connection, prefix: queuePrefix(prefix, queueName) });
  try {
    const jobs = (
      await queue.getJobs(['completed', 'failed', 'delayed', 'wait', 'active', 'prioritized'])
    ).filter((job): job is Job => Boolean(job));
    const failed = new Set((await queue.getJobs(['failed'])).map((j) => j?.id));
    const stats: JobStats = {
      jobs: jobs.length,
      restarted: 0,
      stalled: 0,
      delaysWithoutAttempt: 0,
      failedAttempts: 0,
      maxAttemptsMade: 0,
      failedForGood: failed.size,
      byId: new Map(),
    };
    for (const job of jobs) {
      const started = job.attemptsStarted ?? 0;
      if (started > 1) stats.restarted++;
      if ((job.stalledCounter ?? 0) > 0) stats.stalled++;
      stats.delaysWithoutAttempt += Math.max(0, started - job.attemptsMade - (job.stalledCounter ?? 0));
      stats.failedAttempts += failed.has(job.id) ? job.attemptsMade : Math.max(0, job.attemptsMade - 1);
      stats.maxAttemptsMade = Math.max(stats.maxAttemptsMade, job.attemptsMade);
      if (job.id) stats.byId.set(job.id, job);
    }
    return stats;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
