import type { Config } from '@ghl-bridge/config';
import type { RunningSandbox } from '@ghl-bridge/ghl-sandbox';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { runGhlJob } from '../src/index.js';
import { ghlFor, sandboxConfig } from './rig.js';

// For the queue-glue tests: a BullMQ queue of GHL calls run through runGhlJob.

interface Rigged {
  config: Config;
  database: { db: Parameters<typeof ghlFor>[1] };
  queuePrefix: string;
}

/** A location with tokens, a queue of GHL calls, and `processes` workers each with its own GHL wiring. */
export async function pipeline(
  sandbox: RunningSandbox,
  { config, database, queuePrefix }: Rigged,
  ghlOverrides: Partial<Config['ghl']>,
  processes = 1,
) {
  const cfg = sandboxConfig(config, sandbox, ghlOverrides);
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(cfg.redis.url, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };
  const rigs = Array.from({ length: processes }, () => ghlFor(cfg, database.db, connect()));
  const locations: string[] = [];
  const calendars: Record<string, string> = {};
  const addLocation = async () => {
    const seeded = await sandbox.admin.seed({ locations: [{ mintTokens: true }] });
    const location = seeded.locations[0];
    if (!location?.tokens) throw new Error('no tokens');
    const cal = await sandbox.admin.seed({ calendars: [{ locationId: location.id }] });
    calendars[location.id] = cal.calendars[0] ?? '';
    await rigs[0]?.store.save({
      resourceId: location.id,
      userType: 'Location',
      accessToken: location.tokens.access_token,
      refreshToken: location.tokens.refresh_token,
      expiresAt: new Date(Date.now() + 86_000_000),
    });
    locations.push(location.id);
    return location.id;
  };
  const queue = new Queue('ghl-calls', { connection: connect(), prefix: queuePrefix });
  const workers = rigs.map(
    (rig) =>
      new Worker(
        'ghl-calls',
        (job: Job, token?: string) =>
          runGhlJob(job, token, async () => {
            // `calls` GHL calls in one run, like a cita sync (contact, then appointment).
            const calendarId = job.data.calendarId ?? calendars[job.data.locationId] ?? '';
            for (let i = 1; i < (job.data.calls ?? 1); i++)
              await rig.client.getCalendar(job.data.locationId, calendarId);
            return rig.client.getCalendar(job.data.locationId, calendarId);
          }),
        { connection: connect(), prefix: queuePrefix, concurrency: 20 },
      ),
  );
  const events = new QueueEvents('ghl-calls', { connection: connect(), prefix: queuePrefix });
  await events.waitUntilReady();
  return {
    queue,
    events,
    workers,
    addLocation,
    calendars,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      await events.close();
      for (const redis of connections) redis.disconnect();
    },
  };
}

/** Runs `body` against a new pipeline, then clears the sandbox's faults and closes the pipeline. */
export async function withPipeline(
  sandbox: RunningSandbox,
  rigged: Rigged,
  ghlOverrides: Partial<Config['ghl']>,
  body: (p: Awaited<ReturnType<typeof pipeline>>) => Promise<void>,
): Promise<void> {
  const p = await pipeline(sandbox, rigged, ghlOverrides);
  try {
    await body(p);
  } finally {
    await sandbox.admin.clearFaults();
    await p.close();
  }
}

export async function drained(queue: Queue, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
