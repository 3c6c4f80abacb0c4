// Outbound webhooks to RV3 (Standard Webhooks): endpoints and their secrets, the signed request
// of a delivery, the retry schedule, and the release of each cita's next delivery in order.
// The worker dispatches and sends; ingress (admin routes) and the CLI manage endpoints.

export { type DeliveryRequest, deliveryRequest, webhookId } from './delivery-request.js';
export { commaList, type NewEndpoint, newEndpointSchema, replaySinceSchema } from './endpoint-input.js';
export { newEndpointSecret, sealEndpointSecret, signingSecrets, signPayload } from './endpoint-secrets.js';
export { endpointUrlProblem, type SelfAddress } from './endpoint-url.js';
export {
  addEndpoint,
  disableEndpoint,
  type EndpointAdminDeps,
  type EndpointJson,
  enableEndpoint,
  listEndpoints,
  type ReplayOutcome,
  replayEndpoint,
  rotateEndpointSecret,
  type ToggleOutcome,
} from './endpoints.js';
export { enqueueDeliveries, releaseAndEnqueue, requeueIdleDeliveries } from './release.js';
export { retryDelayMs } from './retry-schedule.js';
