import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { GhlClient, TokenManager } from '@ghl-bridge/ghl';
import type { DiscoveryCache, JobName, JobPayload, Queues } from '@ghl-bridge/jobs';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import { type Job, UnrecoverableError } from 'bullmq';
import type { CitaSync } from '../citas/cita-sync.js';
import type { DeliveryStore } from '../notifications/delivery-store.js';
import type { PostDelivery } from '../notifications/post-delivery.js';
import type { WebhookEffects } from '../webhooks/apply-webhook-events.js';
import type { OAuthExchangeDeps } from './ghl-oauth-exchange.js';

/** What every processor may use; passed by hand, no container. */
export interface WorkerDeps {
  db: Db;
  log: Logger;
  /** What each GHL event type changes; tests swap in failing or counting effects. */
  webhookEffects: WebhookEffects;
  /** The GHL calls of `cita.sync`; main.ts wires the GHL client in. */
  citaSync: CitaSync;
  /** Producers, for jobs that enqueue others (the outbox sweeper). */
  queues: Queues;
  /** The GHL client, for jobs that read GHL (discovery, reconciliation); absent in tests that need none. */
  ghl?: GhlClient | undefined;
  /** Installs through OAuth: the sealed code's whereabouts and the exchange. */
  oauthExchange?: OAuthExchangeDeps | undefined;
  /** Token manager, for installs that mint a location token from the company token. */
  ghlTokens?: TokenManager | undefined;
  /** Reconciliation window and the retention of finished webhook events. */
  schedules?: Omit<Config['schedules'], 'reconcileEveryMs'> | undefined;
  /** Where GHL reads are kept for ingress to answer from. */
  discoveryCache?: DiscoveryCache | undefined;
  metrics?: Metrics | undefined;
  /** Outbound webhooks to RV3: how deliveries are signed, sent and retried. */
  notifications?: NotificationDeps | undefined;
}

export interface NotificationDeps {
  /** TOKEN_ENCRYPTION_KEY: endpoint secrets are sealed with it. */
  key: Buffer;
  /** Waits between attempts (NOTIFICATION_RETRY_SCHEDULE). */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  post: PostDelivery;
  /** Loads and records attempts (batched across concurrent jobs: createDeliveryStore). */
  store: DeliveryStore;
  /** Milliseconds since the epoch, for the signature's timestamp and the secrets' overlap. */
  now?: () => number;
}

/** The GHL client, or a clear permanent failure for a worker started without one. */
/** A dependency this job needs but the worker was started without fails the job for good. */
export function requireDep<K extends keyof WorkerDeps>(
  deps: WorkerDeps,
  key: K,
  what: string,
): NonNullable<WorkerDeps[K]> {
  const dep = deps[key];
  if (dep === undefined || dep === null)
    throw new UnrecoverableError(`this worker has no ${what} configured`);
  return dep as NonNullable<WorkerDeps[K]>;
}

export interface ProcessorContext<Name extends JobName> {
  payload: JobPayload<Name>;
  job: Job;
  /** BullMQ's lock token for this run: needed to move the job to delayed on a rate limit. */
  token?: string | undefined;
  deps: WorkerDeps;
  /** Child logger carrying job name, id, attempt and request id. */
  log: Logger;
}

export type Processor<Name extends JobName> = (context: ProcessorContext<Name>) => Promise<unknown>;
export type Processors = { [Name in JobName]: Processor<Name> };
