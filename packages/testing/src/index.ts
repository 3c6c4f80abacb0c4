export { test, testEnv } from './fixtures.js';
export { appointmentEvent, contactEvent, type AppointmentEventOptions } from './ghl-payloads.js';
export { cloneTestDatabase, dropTestDatabase, type TestDatabase } from './test-database.js';
export { generateWebhookKeys, signWebhook, type WebhookKeys } from './webhook-signing.js';
