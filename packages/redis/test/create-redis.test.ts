import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient, type RedisSettings } from '../src/index.js';

// lazyConnect: the clients are inspected, never connected (a unit test does no I/O).
const made: RedisClient[] = [];
const make = (settings: RedisSettings, use: Parameters<typeof createRedis>[1]) => {
  const client = createRedis(settings, use, { lazyConnect: true });
  made.push(client);
  return client;
};
afterEach(() => {
  for (const client of made.splice(0)) client.disconnect();
});

const single: RedisSettings = { url: 'redis://10.0.0.5:6380/2', tls: false };
const cluster: RedisSettings = {
  url: 'redis://127.0.0.1:6379',
  clusterNodes: [
    { host: '10.0.0.1', port: 7000 },
    { host: '10.0.0.2', port: 7001 },
  ],
  password: 'cluster-password',
  tls: true,
};

describe('createRedis', () => {
  it('connects to REDIS_URL when no cluster is named', () => {
    const client = make(single, 'command');
    expect(client).toBeInstanceOf(Redis);
    expect((client as Redis).options).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2 });
    expect((client as Redis).options.tls).toBeUndefined();
  });

  it('gives each use its own failure behaviour', () => {
    const worker = (make(single, 'worker') as Redis).options;
    const producer = (make(single, 'producer') as Redis).options;
    const command = (make(single, 'command') as Redis).options;
    expect(worker).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    expect(producer).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
    expect(command).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: true });
  });

  it('honours TLS and credentials for one Redis: rediss://, REDIS_TLS, the URL user first', () => {
    expect((make({ url: 'rediss://redis.internal:6380', tls: false }, 'command') as Redis).options.tls).toBe(
      true,
    );
    expect((make({ ...single, tls: true }, 'command') as Redis).options.tls).toEqual({});
    const fromUrl = make(
      { url: 'redis://app:from-url@10.0.0.5', password: 'from-env', tls: false },
      'command',
    );
    expect((fromUrl as Redis).options).toMatchObject({ username: 'app', password: 'from-url' });
    const fromEnv = make({ ...single, username: 'app', password: 'from-env' }, 'command');
    expect((fromEnv as Redis).options).toMatchObject({ username: 'app', password: 'from-env' });
  });

  it('builds a Cluster from REDIS_CLUSTER_NODES with password and TLS on every node', () => {
    const client = make(cluster, 'worker');
    expect(client).toBeInstanceOf(Cluster);
    const { options } = client as Cluster;
    expect(options.redisOptions).toMatchObject({
      password: 'cluster-password',
      tls: {},
      // BullMQ reads a Cluster's maxRetriesPerRequest from its node options.
      maxRetriesPerRequest: null,
    });
    expect(options.enableOfflineQueue).toBe(true);
  });

  it('makes cluster producers fail fast too', () => {
    const { options } = make(cluster, 'producer') as Cluster;
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.redisOptions?.maxRetriesPerRequest).toBe(1);
  });
});
