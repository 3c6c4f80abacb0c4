import { describeError } from '@ghl-bridge/db';
import { runGhlJob } from '@ghl-bridge/ghl';
import {
  isJobName,
  type JobName,
  jobRegistry,
  jobsOfQueue,
  QUEUE_NAMES,
  type QueueName,
  queuePrefix,
} from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Processor, Processors, WorkerDeps } from './processors/index.js';

export interface WorkerOptions {
  connection: RedisClient;
  /** QUEUE_PREFIX: each queue's hash tag is added to it (see queuePrefix). */
  prefix: string;
  concurrency: number;
  /** Per-queue exceptions to `concurrency` (the webhooks queue batches, and wants more). */
  queueConcurrency?: Partial<Record<QueueName, number>>;
  /** The queues to take jobs from (default: every queue). */
  drain?: readonly QueueName[];
  processors: Processors;
  deps: WorkerDeps;
}

/**
 * One BullMQ Worker per queue, dispatching on the job name. Boot fails when a registered job
 * has no processor, so a job can never sit in a queue that nothing drains.
 */
export function createWorkers({
  connection,
  prefix,
  concurrency,
  queueConcurrency = {},
  drain = QUEUE_NAMES,
  processors,
  deps,
}: WorkerOptions): Worker[] {
  const missing = (Object.keys(jobRegistry) as JobName[]).filter(
    (name) => typeof processors[name] !== 'function',
  );
  if (missing.length > 0) throw new Error(`no processor for job(s): ${missing.join(', ')}`);

  return drain
    .filter((queue) => jobsOfQueue(queue).length > 0)
    .map((queue) => {
      const worker = new Worker(queue, (job, token) => dispatch(job, processors, deps, token), {
        connection,
        prefix: queuePrefix(prefix, queue),
        concurrency: queueConcurrency[queue] ?? concurrency,
      });
      worker.on('error', (error) => deps.log.error({ err: error, queue }, 'worker error'));
      worker.on('failed', (job, error) =>
        deps.log.warn(
          { err: error, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade },
          'job failed',
        ),
      );
      return worker;
    });
}

/**
 * Runs one job: its payload parsed by its schema, its processor called, and what the processor
 * threw given its queue meaning once, for every job (runGhlJob: a rate limit waits without
 * spending an attempt, a permanent GHL error fails for good, anything else retries).
 *
 * BullMQ keeps a failed job's message in Redis (and Bull Board shows it). A database error's
 * message from drizzle holds the query and its bound values (patient names, webhook bodies),
 * so it is replaced by PostgreSQL's own reason; the original stays the cause, for the log.
 */
export async function dispatch(
  job: Job,
  processors: Processors,
  deps: WorkerDeps,
  token?: string,
): Promise<unknown> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job name: ${job.name}`);
  const name: JobName = job.name;
  const parsed = jobRegistry[name].schema.safeParse(job.data);
  // A payload that does not match its schema will not match on retry either.
  if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${name}: ${parsed.error.message}`);
  const log = deps.log.child({
    job: name,
    jobId: job.id,
    attempt: job.attemptsMade + 1,
    requestId: (parsed.data as { requestId?: string }).requestId,
  });
  const processor = processors[name] as Processor<JobName>;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await runGhlJob(job, token, () =>
      processor({ payload: parsed.data, job, token, deps, log }),
    );
    deps.metrics.jobs.duration.observe({ job: name, outcome: 'completed' }, seconds());
    return result;
  } catch (error) {
    // Waiting for a rate budget is not a failure; anything else is, retried or not.
    const outcome = error instanceof DelayedError ? 'delayed' : 'failed';
    deps.metrics.jobs.duration.observe({ job: name, outcome }, seconds());
    if (outcome === 'failed') deps.metrics.jobs.failures.inc({ job: name });
    throw withoutQueryData(error);
  }
}

function withoutQueryData(error: unknown): unknown {
  const carriesData =
    error instanceof Error &&
    !(error instanceof UnrecoverableError) &&
    ('params' in error || 'query' in error);
  return carriesData ? new Error(describeError(error), { cause: error }) : error;
}
