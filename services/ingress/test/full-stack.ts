import type { Config } from '@ghl-bridge/config';
import { createApiKey, type Db, saveLocationSettings } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { DiscoveryCache, enqueueReconcile, queuePrefix } from '@ghl-bridge/jobs';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { type SandboxLocation, sandboxLocation, type TestDatabase } from '@ghl-bridge/testing';
import { createGhlCitaSync, createWorkers, processors, webhookEffects } from '@ghl-bridge/worker';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestApp } from './test-app.js';

const WEEK = { start: '00:00', end: '24:00' };
const log = createLogger({ name: 'full-stack', level: 'silent' });

export interface FullStackFixtures {
  config: Config;
  database: TestDatabase;
  redis: Redis;
}

/**
 * ghl-bridge as deployed, in one process: ingress listening (the sandbox signs and sends it its
 * webhooks), a worker draining every queue against the sandbox, a staff API key for a sandbox
 * location open around the clock. What a new user runs with `npm start`, for end-to-end tests.
 */
export async function startFullStack({ config, database, redis }: FullStackFixtures) {
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
  const ghl = createGhl({ config: cfg, db: database.db, redis, log, metrics: createMetrics().ghl });
  await ghl.store.save(location.install);
  const ingress = await startTestApp({ config: cfg });
  const address = await ingress.app.listen({ host: '127.0.0.1', port: 0 });
  await sandbox.admin.setWebhook({ url: `${address}/api/webhooks/ghl/` });
  const workers = createWorkers({
    connection: redis,
    prefix: cfg.redis.queuePrefix,
    concurrency: 5,
    processors,
    deps: {
      db: database.db,
      log,
      webhookEffects,
      queues: ingress.queues,
      citaSync: createGhlCitaSync(ghl.client),
      ghl: ghl.client,
      ghlTokens: ghl.tokens,
      schedules: cfg.schedules,
      discoveryCache: new DiscoveryCache(redis, cfg.redis.queuePrefix, cfg.discovery),
    },
  });
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
    ghl,
    db: database.db as Db,
    queues: ingress.queues,
    /** A staff API call with the location's key. */
    api: (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      ingress.app.inject({ method, url, headers, ...(payload ? { payload } : {}) }),
    /** Every webhook the sandbox sent has been answered. */
    webhooksDelivered: () => sandbox.admin.webhooksIdle(10_000),
    /** One reconciliation of the location, as the scheduler or `reconcile now` queues it. */
    async reconcile() {
      const job = await enqueueReconcile(ingress.queues, location.locationId);
      return job.waitUntilFinished(maintenanceEvents, 20_000);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await maintenanceEvents.close();
      await ingress.close();
      await sandbox.close();
    },
  };
}
