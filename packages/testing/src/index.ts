export { test, testEnv } from './fixtures.js';
export { type AppointmentEventOptions, appointmentEvent, contactEvent } from './ghl-payloads.js';
export { cloneTestDatabase, dropTestDatabase, type TestDatabase } from './test-database.js';
export { generateWebhookKeys, signWebhook, type WebhookKeys } from './webhook-signing.js';
