import type { Config } from '@ghl-bridge/config';
import { webhookEvents } from '@ghl-bridge/db';
import { accessTokenKey, budgetKeys } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { enqueue, webhookJobId } from '@ghl-bridge/jobs';
import { createRedis, type RedisClient } from '@ghl-bridge/redis';
import {
  appointmentEvent,
  LocalRedisCluster,
  redisClusterUnavailable,
  sandboxLocation,
  test,
  webhookDelivery,
} from '@ghl-bridge/testing';
import type { Job, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createWorker } from '../src/create-worker.js';

// The default run's one test on a real Redis Cluster (3 masters on loopback ports, started from
// the installed redis-server): a webhook and a budgeted GHL read, each through its queue, with
// the token refresh, lock, budget and cache scripts on the cluster, which refuses any command
// whose keys span slots. The heavy suites on a cluster are `pnpm chaos --cluster`.
const unavailable = redisClusterUnavailable();
// biome-ignore lint/suspicious/noConsole: a skip must say why where the test output is read
if (unavailable) console.warn(`cluster.int.test.ts skipped: ${unavailable}`);

let cluster: LocalRedisCluster;
let sandbox: RunningSandbox;
let redis: RedisClient;

describe.skipIf(unavailable !== undefined)(
  unavailable ? `on a Redis Cluster (${unavailable})` : 'on a Redis Cluster',
  () => {
    beforeAll(async () => {
      [cluster, sandbox] = await Promise.all([LocalRedisCluster.start({ masters: 3 }), startSandbox()]);
      redis = createRedis(cluster.settings, 'worker');
    }, 60_000);
    afterAll(async () => {
      redis?.disconnect();
      await Promise.all([cluster?.stop(), sandbox?.close()]);
    });

    test('a webhook and a budgeted GHL read go through their queues and apply once', async ({
      config,
      database,
      queuePrefix,
    }) => {
      const cfg: Config = {
        ...config,
        redis: { ...config.redis, clusterNodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) },
        ghl: {
          ...config.ghl,
          apiBaseUrl: sandbox.url,
          clientId: sandbox.clientId,
          clientSecret: sandbox.clientSecret,
        },
      };
      const worker = await createWorker(cfg, { database, redis, concurrency: 4, schedulers: false });
      const { workers } = worker;
      const { queues, discoveryCache } = worker.deps;
      try {
        const location = await sandboxLocation(sandbox);
        // Expired: the first call refreshes it, under the refresh lock, and caches the new token.
        await worker.ghl.store.save({ ...location.install, expiresAt: new Date(Date.now() - 60_000) });
        const payload = webhookDelivery(appointmentEvent());
        const jobId = webhookJobId(payload.webhookId, payload.payloadHash);
        const webhookDone = completion(workers, 'webhooks', jobId);
        const readDone = completion(workers, 'ghl-reads', 'calendars-1');
        // The same delivery twice is one job; the read lives on another shard than the webhooks.
        await enqueue(queues, 'webhook.process', payload, { jobId });
        await enqueue(queues, 'webhook.process', payload, { jobId });
        await enqueue(queues, 'ghl.calendars', { locationId: location.locationId }, { jobId: 'calendars-1' });
        await Promise.all([webhookDone, readDone]);

        const rows = await database.db
          .select()
          .from(webhookEvents)
          .where(eq(webhookEvents.payloadHash, payload.payloadHash));
        expect(rows).toMatchObject([{ status: 'processed', attempts: 1 }]);
        expect(await queues.webhooks.getJobCountByTypes('completed', 'waiting', 'active')).toBe(1);
        expect(await discoveryCache.getCalendars(location.locationId)).toEqual([
          expect.objectContaining({ id: location.calendarId }),
        ]);
        // The refreshed token and the budget's schedule are in Redis, on the location's one shard.
        expect(await redis.exists(accessTokenKey(queuePrefix, location.locationId))).toBe(1);
        expect(await redis.zcard(budgetKeys(queuePrefix, location.locationId).schedule)).toBeGreaterThan(0);
        expect(await cluster.masterOf(accessTokenKey(queuePrefix, location.locationId))).toBe(
          await cluster.masterOf(budgetKeys(queuePrefix, location.locationId).schedule),
        );
        const shards = await Promise.all(
          [queues.webhooks, queues['ghl-reads'], queues.citas].map((q) => cluster.masterOf(q.qualifiedName)),
        );
        expect(new Set(shards).size).toBe(3);
      } finally {
        await worker.close();
      }
    });
  },
);

/** Resolves when `queue`'s worker completes job `jobId`; rejects if it fails. */
function completion(workers: Worker[], queue: string, jobId: string): Promise<void> {
  const worker = workers.find((w) => w.name === queue);
  if (!worker) throw new Error(`no worker for ${queue}`);
  return new Promise((resolve, reject) => {
    worker.on('completed', (job: Job) => job.id === jobId && resolve());
    worker.on('failed', (job, error) => job?.id === jobId && reject(error));
  });
}
