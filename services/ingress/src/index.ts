// What other workspace packages may use of ingress: its setup (createIngress, what main.ts
// runs) and the app factory under it (the fuzz suite builds the app to list its routes).
export { type AppDeps, buildApp } from './app.js';
export { createIngress, type Ingress, type IngressOverrides } from './create-ingress.js';
export { createDiscovery } from './staff/ask-worker.js';
