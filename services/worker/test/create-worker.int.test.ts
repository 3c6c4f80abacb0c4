import { createServer } from 'node:net';
import type { Config } from '@ghl-bridge/config';
import { closeQueues, createQueues, QUEUE_NAMES } from '@ghl-bridge/jobs';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { createWorker } from '../src/create-worker.js';

/** A local port nothing listens on, free to bind again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Binds `port` and lets it go: rejects while something else holds it. */
async function bindable(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

describe('createWorker', () => {
  test('stops in order: dispatcher, workers (running jobs finish), queues, metrics, Redis, PostgreSQL', async ({
    config,
  }) => {
    const worker = await createWorker(
      {
        ...config,
        worker: { ...config.worker, metricsPort: await freePort() },
        http: { ...config.http, host: '127.0.0.1' },
      },
      { schedulers: false },
    );
    try {
      expect(worker.shutdownSteps.map((step) => step.name)).toEqual([
        'notification dispatcher',
        'workers',
        'queues',
        'metrics',
        'redis',
        'postgres',
      ]);
      // Every queue is drained unless a test says otherwise.
      expect(worker.workers.map((w) => w.name)).toEqual([...QUEUE_NAMES]);
    } finally {
      await worker.close();
    }
  });

  test('a start that fails half-way stops what it had started: no worker left on a queue, the metrics port free', async ({
    config,
    redis,
  }) => {
    const metricsPort = await freePort();
    // PostgreSQL is away: the notification dispatcher, started after the BullMQ workers, cannot LISTEN.
    const broken: Config = {
      ...config,
      database: { ...config.database, url: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere` },
      worker: { ...config.worker, metricsPort },
      http: { ...config.http, host: '127.0.0.1' },
    };
    await expect(createWorker(broken, { redis, schedulers: false })).rejects.toThrow();
    const queues = createQueues(redis, config.redis.queuePrefix);
    try {
      for (const queue of Object.values(queues)) expect(await queue.getWorkersCount()).toBe(0);
    } finally {
      await closeQueues(queues);
    }
    await bindable(metricsPort);
  });
});
