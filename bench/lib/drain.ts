import { randomInt } from 'node:crypto';
import { jobRegistry, queuePrefix } from '@ghl-bridge/jobs';
import type { RedisClient } from '@ghl-bridge/redis';
import { webhookDelivery } from '@ghl-bridge/testing/payloads';
import { Queue } from 'bullmq';
import { type Child, machineCpuTicks, waitFor } from './child.js';
import { appointmentCreate } from './webhooks.js';

export interface WebhookJob {
  id: string;
  data: Record<string, unknown>;
}

/**
 * `total` webhook.process jobs: 70% distinct AppointmentCreate events, then repeat deliveries of
 * random ones (same body, same webhookId), shuffled. Repeats get their own job ids: ingress
 * would fold a repeat into the waiting job, but once that job is removed (or two deliveries
 * race) the repeat reaches the worker, and Postgres must stop it.
 */
export function webhookJobs(total: number): { jobs: WebhookJob[]; distinct: number } {
  const distinct = Math.round(total * 0.7);
  const events = Array.from({ length: distinct }, (_, i) => appointmentCreate(i));
  const jobs: WebhookJob[] = events.map((event, i) => ({ id: `wh-e${i}`, data: webhookDelivery(event) }));
  for (let i = 0; jobs.length < total; i++) {
    const original = randomInt(distinct);
    jobs.push({ id: `wh-e${original}-r${i}`, data: webhookDelivery(events[original] ?? {}) });
  }
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [jobs[i], jobs[j]] = [jobs[j] as WebhookJob, jobs[i] as WebhookJob];
  }
  return { jobs, distinct };
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
  /** Cores each worker process, then each process in `watch` (Redis servers...), used meanwhile. */
  processCores: Array<{ name: string; cores: number }>;
}

/** A process whose CPU time a bench reads, e.g. a Redis server it started. */
export interface Watched {
  name: string;
  cpuSeconds(): Promise<number>;
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
  watch: Watched[] = [],
): Promise<Drained> {
  await waitFor(
    `${workers} worker process(es)`,
    async () => (await queue.getWorkersCount()) >= workers,
    60_000,
    100,
  );
  const measured: Watched[] = [...children, ...watch];
  const cpuBefore = await Promise.all(measured.map((p) => p.cpuSeconds()));
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
  const cpuAfter = await Promise.all(measured.map((p) => p.cpuSeconds()));
  const used = cpuAfter.map((after, i) => after - (cpuBefore[i] ?? 0));
  const workerCpu = used.slice(0, children.length).reduce((sum, seconds) => sum + seconds, 0);
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
    processCores: measured.map((p, i) => ({ name: p.name, cores: (used[i] ?? 0) / wallSeconds })),
  };
}
