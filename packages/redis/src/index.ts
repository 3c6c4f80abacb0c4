export {
  createRedis,
  isCluster,
  type RedisClient,
  type RedisExtras,
  type RedisSettings,
  type RedisUse,
} from './create-redis.js';
export { deleteKeys } from './delete-keys.js';
export { hashSlot } from './hash-slot.js';
export { locationKey, queuePrefix } from './key-names.js';
export { NotReplicatedError, REPLICA_ACK_TIMEOUT_MS, waitForReplicas } from './replicas.js';
