export * from './ghl-tokens.js';
export * from './webhook-events.js';
