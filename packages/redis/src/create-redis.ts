import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis or to a Redis Cluster: everything ghl-bridge does works on both. */
export type RedisClient = Redis | Cluster;

/** Where Redis lives: config.redis, as packages/config parses it from the environment. */
export interface RedisSettings {
  /** One Redis; unused when `clusterNodes` is set. rediss:// turns TLS on. */
  url: string;
  /** Some nodes of a Redis Cluster; the client discovers the rest. */
  clusterNodes?: ReadonlyArray<{ host: string; port: number }> | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** TLS to the cluster's nodes (or to REDIS_URL without rediss://). */
  tls: boolean;
}

/**
 * What a connection is for. Each use wants its own failure behaviour, so each gets its own
 * options here rather than at every call site.
 * - `worker`: BullMQ workers and QueueEvents block on Redis and must ride out any outage, so
 *   a command never gives up (BullMQ requires maxRetriesPerRequest null for them).
 * - `producer`: enqueues on a request path. While Redis is away a command fails at once (no
 *   offline queue), so a webhook gets its 429 and a staff action its outbox promptly.
 * - `command`: scripts, caches and the CLI: one retry across a reconnect, then an error.
 */
export type RedisUse = 'worker' | 'producer' | 'command';

const PER_USE: Record<RedisUse, { maxRetriesPerRequest: number | null; enableOfflineQueue: boolean }> = {
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  command: { maxRetriesPerRequest: 1, enableOfflineQueue: true },
};

/** Options a caller may add: a name shown in CLIENT LIST, or a client that waits for `connect()`. */
export interface RedisExtras {
  connectionName?: string;
  lazyConnect?: boolean;
}

/**
 * The one place ghl-bridge builds a Redis client: a Cluster when REDIS_CLUSTER_NODES is set,
 * else a Redis for REDIS_URL, with the credentials and TLS of either, tuned for `use`.
 */
export function createRedis(settings: RedisSettings, use: RedisUse, extras: RedisExtras = {}): RedisClient {
  const { maxRetriesPerRequest, enableOfflineQueue } = PER_USE[use];
  const credentials = {
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
  };
  if (settings.clusterNodes && settings.clusterNodes.length > 0) {
    const options: ClusterOptions = {
      enableOfflineQueue,
      ...(extras.lazyConnect ? { lazyConnect: true } : {}),
      // Per-node options. BullMQ reads maxRetriesPerRequest from here for a Cluster.
      redisOptions: {
        ...credentials,
        maxRetriesPerRequest,
        ...(extras.connectionName ? { connectionName: extras.connectionName } : {}),
        ...(settings.tls ? { tls: {} } : {}),
      },
      // With TLS, connect to the names the cluster announces rather than their resolved
      // addresses, so certificates match (ioredis's advice for managed clusters such as ElastiCache).
      ...(settings.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
    return new Cluster(
      settings.clusterNodes.map(({ host, port }) => ({ host, port })),
      options,
    );
  }
  const options: RedisOptions = {
    // The URL's own user and password win: these fill in only what it leaves out.
    ...credentials,
    maxRetriesPerRequest,
    enableOfflineQueue,
    ...(extras.connectionName ? { connectionName: extras.connectionName } : {}),
    ...(extras.lazyConnect ? { lazyConnect: true } : {}),
    ...(settings.tls ? { tls: {} } : {}),
  };
  return new Redis(settings.url, options);
}

/** True for a cluster client: some commands (WAIT, SCAN) must then go to the right node. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
