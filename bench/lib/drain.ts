import { jobRegistry, queuePrefix } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { Queue } from 'bullmq';
import { type Child, machineCpuTicks, waitFor } from './child.js';

export interface WebhookJob {
  id: string;
  data: Record<string, unknown>;
}

/** Fills the `webhooks` queue, paused, so no worker starts before every process is connected. */
export async function fillPaused(
  redis: RedisClient,
  prefix: string,
  jobs: readonly WebhookJob[],
): Promise<Queue> {
  const queue = new Queue('webhooks', { connection: redis, prefix: queuePrefix(prefix, 'webhooks') });
  await queue.pause();
  const { options } = jobRegistry['webhook.process'];
  for (let i = 0; i < jobs.length; i += 1000) {
    await queue.addBulk(
      jobs.slice(i, i + 1000).map((job) => ({
        name: 'webhook.process',
        data: job.data,
        opts: { ...options, jobId: job.id },
      })),
    );
  }
  return queue;
}

export interface Drained {
  jobs: number;
  failed: number;
  seconds: number;
  perSecond: number;
  /** Share of the machine's CPU (all cores) busy while the jobs drained. */
  machineBusy: number;
  /** Cores the worker processes used while the jobs drained, together. */
  workerCores: number;
}

/**
 * Resumes the queue once `workers` processes are connected, waits for every job to finish, and
 * times first-to-last completion from the completed set, whose scores are BullMQ's finish times
 * (so neither process start-up nor our polling interval is counted).
 */
export async function drain(
  redis: RedisClient,
  queue: Queue,
  workers: number,
  total: number,
  children: Child[],
): Promise<Drained> {
  await waitFor(
    `${workers} worker process(es)`,
    async () => (await queue.getWorkersCount()) >= workers,
    60_000,
    100,
  );
  const cpuBefore = await Promise.all(children.map((child) => child.cpuSeconds()));
  const machineBefore = await machineCpuTicks();
  const started = performance.now();
  await queue.resume();
  let failed = 0;
  await waitFor(
    `${total} jobs`,
    async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      failed = counts.failed ?? 0;
      return (counts.completed ?? 0) + failed >= total;
    },
    300_000,
    100,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const machineAfter = await machineCpuTicks();
  const cpuAfter = await Promise.all(children.map((child) => child.cpuSeconds()));
  const workerCpu = cpuAfter.reduce((sum, after, i) => sum + after - (cpuBefore[i] ?? 0), 0);
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
  const key = queue.toKey('completed');
  const client = redis;
  const [, first] = await client.zrange(key, '0', '0', 'WITHSCORES');
  const [, last] = await client.zrange(key, '-1', '-1', 'WITHSCORES');
  const completed = await client.zcard(key);
  const seconds = (Number(last) - Number(first)) / 1000;
  await Promise.all(children.map((child) => child.stop()));
  // n jobs finishing over the span between the first and last finish: n - 1 intervals.
  return {
    jobs: completed,
    failed,
    seconds,
    perSecond: (completed - 1) / seconds,
    machineBusy,
    workerCores: workerCpu / wallSeconds,
  };
}
