import type { Config } from '@ghl-bridge/config';
import { createApiKey, type Db, saveLocationSettings } from '@ghl-bridge/db';
import type { TokenSet } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { enqueueReconcile, QUEUE_NAMES, type Queues, queuePrefix } from '@ghl-bridge/jobs';
import { type SandboxLocation, sandboxLocation, type TestDatabase } from '@ghl-bridge/testing';
import { createWorker } from '@ghl-bridge/worker';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { startTestApp } from './test-app.js';

const WEEK = { start: '00:00', end: '24:00' };

/** Nothing left to do on any queue but `notifications`: every GHL event and its follow-ups are applied. */
export async function applied(queues: Queues): Promise<boolean> {
  for (const name of QUEUE_NAMES.filter((q) => q !== 'notifications')) {
    const counts = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).some((n) => n > 0)) return false;
  }
  return true;
}

export interface StackFixtures {
  database: TestDatabase;
  redis: Redis;
}

export interface StackOptions {
  /** GHL installs stored before anything runs. */
  installs?: TokenSet[];
  /** False: a worker that drains no queue, so what ingress asks of one goes unanswered. */
  drain?: boolean;
  /** Jobs each queue runs at once (default 5). */
  concurrency?: number;
  /** The ingress clock. */
  now?: () => number;
}

/**
 * Ingress and a worker on every queue, each wired as its main.ts wires it (createIngress,
 * createWorker), on the test's database, Redis and queue prefix. `config` says where GHL is.
 */
export async function startStack(
  config: Config,
  { database, redis }: StackFixtures,
  { installs = [], drain = true, concurrency = 5, now }: StackOptions = {},
) {
  const worker = await createWorker(config, {
    database,
    redis,
    concurrency,
    // No reconciliation or retention behind the test's back: it counts GHL calls and jobs.
    schedulers: false,
    ...(drain ? {} : { drain: [] }),
  });
  try {
    for (const install of installs) await worker.ghl.store.save(install);
    const ingress = await startTestApp({ config, now });
    return {
      app: ingress.app,
      queues: ingress.queues,
      worker,
      /** The worker's GHL client and token store. */
      ghl: worker.ghl,
      async close() {
        await worker.close();
        await ingress.close();
      },
    };
  } catch (error) {
    await worker.close();
    throw error;
  }
}

/**
 * ghl-bridge as deployed, in one process: ingress listening (the sandbox signs and sends it its
 * webhooks), a worker draining every queue against the sandbox, a staff API key for a sandbox
 * location open around the clock. What a new user runs with `npm start`, for end-to-end tests.
 */
export async function startFullStack({ config, database, redis }: StackFixtures & { config: Config }) {
  const sandbox: RunningSandbox = await startSandbox({
    rateLimit: { max: 100_000 },
    webhook: { retrySpacingMs: 50 },
  });
  const location: SandboxLocation = await sandboxLocation(sandbox);
  const cfg: Config = {
    ...config,
    ghl: { ...config.ghl, apiBaseUrl: sandbox.url },
    webhooks: { ...config.webhooks, ed25519PublicKey: sandbox.publicKeys.ed25519 },
    discovery: { ...config.discovery, timeoutMs: 5000 },
  };
  const stack = await startStack(cfg, { database, redis }, { installs: [location.install] });
  const address = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  await sandbox.admin.setWebhook({ url: `${address}/api/webhooks/ghl/` });
  await saveLocationSettings(database.db, {
    locationId: location.locationId,
    timeZone: 'America/Lima',
    defaultCalendarId: null,
    businessHours: {
      mon: [WEEK],
      tue: [WEEK],
      wed: [WEEK],
      thu: [WEEK],
      fri: [WEEK],
      sat: [WEEK],
      sun: [WEEK],
    },
    slotMinutes: 30,
    bufferMinutes: 0,
    minNoticeMinutes: 0,
    notifyPatient: false,
  });
  const { secret } = await createApiKey(database.db, { name: 'rv3', locationIds: [location.locationId] });
  const headers = { authorization: `Bearer ${secret}` };
  const maintenanceEvents = new QueueEvents('maintenance', {
    connection: redis.duplicate(),
    prefix: queuePrefix(cfg.redis.queuePrefix, 'maintenance'),
  });

  return {
    sandbox,
    location,
    ghl: stack.ghl,
    db: database.db as Db,
    queues: stack.queues,
    /** A staff API call with the location's key. */
    api: (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      stack.app.inject({ method, url, headers, ...(payload ? { payload } : {}) }),
    /**
     * Every webhook the sandbox sent has been answered and applied: ingress answers once the job
     * is queued, so the queues must be empty too before the cita shows what the webhook did.
     */
    async webhooksApplied() {
      expect((await sandbox.admin.webhooksIdle(10_000)).idle).toBe(true);
      await expect.poll(() => applied(stack.queues), { timeout: 10_000 }).toBe(true);
    },
    /** One reconciliation of the location, as the scheduler or `reconcile now` queues it. */
    async reconcile() {
      const job = await enqueueReconcile(stack.queues, location.locationId);
      return job.waitUntilFinished(maintenanceEvents, 20_000);
    },
    async close() {
      await stack.close();
      await maintenanceEvents.close();
      await sandbox.close();
    },
  };
}
