// What other workspace packages may use of ingress: the app factory and its wiring (the fuzz
// suite builds the app to list its routes; main.ts is the process).
export { type AppDeps, buildApp } from './app.js';
export { createDiscovery } from './staff/ask-worker.js';
