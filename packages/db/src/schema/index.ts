export * from './api-keys.js';
export * from './citas.js';
export * from './ghl-tokens.js';
export * from './idempotency-keys.js';
export * from './location-settings.js';
export * from './outbox.js';
export * from './webhook-events.js';
