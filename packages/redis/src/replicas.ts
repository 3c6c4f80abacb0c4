import type { Cluster, Redis } from 'ioredis';
import { isCluster, type RedisClient } from './create-redis.js';
import { hashSlot } from './hash-slot.js';

/** A replica that has not acknowledged a write within this long counts as absent. */
export const REPLICA_ACK_TIMEOUT_MS = 1000;

export class NotReplicatedError extends Error {
  override readonly name = 'NotReplicatedError';
  constructor(wanted: number, got: number) {
    super(`Redis stored the write but only ${got} of ${wanted} replica(s) acknowledged it`);
  }
}

/**
 * Waits (Redis WAIT) until `replicas` replicas hold every write this client sent so far to the
 * node that owns `key`. Replication is asynchronous: a master that dies right after answering
 * takes its last writes with it, so a job counts as stored only once a replica has it too.
 * On a cluster, WAIT must go to the connection the write went through: the master owning the
 * key's slot. (Should that slot move between the write and the WAIT, a failover happened in
 * between; WAIT then asks the new master, a window of a few microseconds not covered.)
 */
export async function waitForReplicas(client: RedisClient, key: string, replicas: number): Promise<void> {
  if (replicas <= 0) return;
  const node = isCluster(client) ? masterFor(client, key) : client;
  const acknowledged = Number(await node.call('WAIT', replicas, REPLICA_ACK_TIMEOUT_MS));
  if (acknowledged < replicas) throw new NotReplicatedError(replicas, acknowledged);
}

function masterFor(cluster: Cluster, key: string): Redis {
  const owner = cluster.slots[hashSlot(key)]?.[0];
  const node = cluster
    .nodes('master')
    .find((candidate) => `${candidate.options.host}:${candidate.options.port}` === owner);
  if (!node) throw new Error('no connection to the Redis Cluster master that holds this queue');
  return node;
}
