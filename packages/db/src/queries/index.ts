export * from './api-keys.js';
export * from './citas.js';
export * from './executor.js';
export * from './idempotency-keys.js';
export * from './location-settings.js';
export * from './outbox.js';
export * from './workflow-secrets.js';
