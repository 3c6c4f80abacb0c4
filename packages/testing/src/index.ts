export { test, testEnv } from './fixtures.js';
export {
  type AppointmentEventOptions,
  appointmentEvent,
  contactEvent,
  webhookDelivery,
} from './ghl-payloads.js';
export {
  LocalRedisCluster,
  type RedisClusterOptions,
  redisClusterUnavailable,
} from './redis-cluster.js';
export { deleteKeys } from './redis-keys.js';
export { type SandboxLocation, sandboxLocation } from './sandbox-location.js';
export { cloneTestDatabase, dropTestDatabase, type TestDatabase } from './test-database.js';
export { generateWebhookKeys, signWebhook, type WebhookKeys } from './webhook-signing.js';
