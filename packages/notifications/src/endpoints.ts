import { randomUUID } from 'node:crypto';
import {
  type Db,
  type DeliveryCounts,
  disableNotificationEndpoint,
  enableNotificationEndpoint,
  findNotificationEndpoint,
  insertNotificationEndpoint,
  listNotificationEndpoints,
  type NotificationEndpoint,
  replayDeliveries,
  rotateNotificationEndpointSecret,
} from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import type { NewEndpoint } from './endpoint-input.js';
import { newEndpointSecret, sealEndpointSecret } from './endpoint-secrets.js';
import { releaseAndEnqueue } from './release.js';

/** What managing endpoints needs: the admin routes and the CLI pass the same. */
export interface EndpointAdminDeps {
  db: Db;
  queues: Queues;
  /** TOKEN_ENCRYPTION_KEY: endpoint secrets are sealed with it. */
  key: Buffer;
  /** How long a rotated-out secret keeps signing. */
  secretOverlapMs: number;
  now?: () => number;
}

/** An endpoint as operators see it: never its secret, only the first characters of it. */
export interface EndpointJson {
  id: string;
  url: string;
  locations: string[];
  kinds: string[];
  secret_hint: string;
  previous_secret_valid_until: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  deliveries?: DeliveryCounts;
}

function toEndpointJson(e: NotificationEndpoint & { deliveries?: DeliveryCounts }): EndpointJson {
  return {
    id: e.id,
    url: e.url,
    locations: e.locationIds,
    kinds: e.kinds,
    secret_hint: e.secretHint,
    previous_secret_valid_until: e.previousSecretUntil?.toISOString() ?? null,
    disabled_at: e.disabledAt?.toISOString() ?? null,
    disabled_reason: e.disabledReason,
    created_at: e.createdAt.toISOString(),
    ...(e.deliveries ? { deliveries: e.deliveries } : {}),
  };
}

/** Creates an endpoint; its secret is answered here only (it is stored sealed). */
export async function addEndpoint(
  deps: EndpointAdminDeps,
  input: NewEndpoint,
): Promise<{ endpoint: EndpointJson; secret: string }> {
  const id = randomUUID();
  const { secret, hint } = newEndpointSecret();
  const row = await insertNotificationEndpoint(deps.db, {
    id,
    url: input.url,
    locationIds: [...new Set(input.locations)],
    kinds: [...new Set(input.kinds ?? [])],
    secretSealed: sealEndpointSecret(deps.key, id, secret),
    secretHint: hint,
  });
  return { endpoint: toEndpointJson(row), secret };
}

export async function listEndpoints(db: Db): Promise<EndpointJson[]> {
  return (await listNotificationEndpoints(db)).map(toEndpointJson);
}

const OPERATOR_DISABLED = 'disabled by an operator';

/** What disabling or enabling came to; `unchanged` when it was already so. */
export type ToggleOutcome =
  | { outcome: 'changed'; endpoint: EndpointJson }
  | { outcome: 'unchanged' }
  | { outcome: 'not_found' };

export async function disableEndpoint(db: Db, id: string): Promise<ToggleOutcome> {
  return toggled(db, id, await disableNotificationEndpoint(db, id, OPERATOR_DISABLED));
}

export async function enableEndpoint(db: Db, id: string): Promise<ToggleOutcome> {
  return toggled(db, id, await enableNotificationEndpoint(db, id));
}

async function toggled(db: Db, id: string, changed: boolean): Promise<ToggleOutcome> {
  const endpoint = await findNotificationEndpoint(db, id);
  if (!endpoint) return { outcome: 'not_found' };
  return changed ? { outcome: 'changed', endpoint: toEndpointJson(endpoint) } : { outcome: 'unchanged' };
}

/**
 * A new secret, answered once; the old one keeps signing (a second signature) until
 * `previous_secret_valid_until`. Undefined when there is no such endpoint.
 */
export async function rotateEndpointSecret(
  deps: EndpointAdminDeps,
  id: string,
): Promise<{ endpoint: EndpointJson; secret: string } | undefined> {
  const { secret, hint } = newEndpointSecret();
  const row = await rotateNotificationEndpointSecret(deps.db, id, {
    secretSealed: sealEndpointSecret(deps.key, id, secret),
    secretHint: hint,
    previousUntil: new Date((deps.now?.() ?? Date.now()) + deps.secretOverlapMs),
  });
  return row ? { endpoint: toEndpointJson(row), secret } : undefined;
}

export type ReplayOutcome =
  | { outcome: 'replayed'; deliveries: number }
  | { outcome: 'not_found' }
  | { outcome: 'disabled' };

/**
 * Sends again every change since `since` that the endpoint matches, delivered or failed (same
 * webhook-id, so receivers can tell a replay from news), in order per cita. A disabled endpoint
 * must be enabled first.
 */
export async function replayEndpoint(
  deps: EndpointAdminDeps,
  id: string,
  since: Date,
): Promise<ReplayOutcome> {
  const endpoint = await findNotificationEndpoint(deps.db, id);
  if (!endpoint) return { outcome: 'not_found' };
  if (endpoint.disabledAt) return { outcome: 'disabled' };
  const deliveries = await replayDeliveries(deps.db, id, since);
  await releaseAndEnqueue(deps.db, deps.queues, { endpointId: id });
  return { outcome: 'replayed', deliveries };
}
