import { GroupCommit } from '../batching/group-commit.js';
import type { WebhookDelivery, WebhookOutcome } from './apply-webhook-events.js';

/**
 * Group commit for webhook jobs: each job hands its delivery over and waits for its own
 * outcome, and deliveries that arrive while a batch is written are applied together in the
 * next transaction (`applyWebhookEvents`). Keyed by dedup key and appointment, so two events
 * about one record are never in flight together and apply in arrival order.
 */
export class WebhookBatcher extends GroupCommit<WebhookDelivery, WebhookOutcome> {}
