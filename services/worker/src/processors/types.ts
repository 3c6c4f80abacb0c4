import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { GhlClient, TokenManager } from '@ghl-bridge/ghl';
import type { DiscoveryCache, JobName, JobPayload, Queues } from '@ghl-bridge/jobs';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import type { Job } from 'bullmq';
import type { CitaSync } from '../citas/cita-sync.js';
import type { DeliveryStore } from '../notifications/delivery-store.js';
import type { PostDelivery } from '../notifications/post-delivery.js';
import type { WebhookBatcher } from '../webhooks/webhook-batcher.js';
import type { OAuthExchangeDeps } from './ghl-oauth-exchange.js';

/** What every processor may use, built once per worker by createWorker; passed by hand, no container. */
export interface WorkerDeps {
  db: Db;
  log: Logger;
  /** Webhook jobs hand their deliveries to it; it applies them in shared transactions. */
  webhookBatcher: WebhookBatcher;
  /** The GHL calls of `cita.sync`. */
  citaSync: CitaSync;
  /** Producers, for jobs that enqueue others (the outbox sweeper). */
  queues: Queues;
  /** The GHL client, for jobs that read GHL (discovery, reconciliation, contacts). */
  ghl: GhlClient;
  /** Installs through OAuth: the sealed code's whereabouts and the exchange. */
  oauthExchange: OAuthExchangeDeps;
  /** Token manager, for installs that mint a location token from the company token. */
  ghlTokens: TokenManager;
  /** Reconciliation window and the retention of finished webhook events. */
  schedules: Omit<Config['schedules'], 'reconcileEveryMs'>;
  /** Where GHL reads are kept for ingress to answer from. */
  discoveryCache: DiscoveryCache;
  metrics: Metrics;
  /** Outbound webhooks to RV3: how deliveries are signed, sent and retried. */
  notifications: NotificationDeps;
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
  now: () => number;
}

export interface ProcessorContext<Name extends JobName> {
  payload: JobPayload<Name>;
  job: Job;
  /** BullMQ's lock token for this run: needed to move the job to delayed. */
  token?: string | undefined;
  deps: WorkerDeps;
  /** Child logger carrying job name, id, attempt and request id. */
  log: Logger;
}

/**
 * Does the job's work and throws what went wrong as it is: the dispatch gives GHL's errors their
 * queue meaning (see runGhlJob), for every job.
 */
export type Processor<Name extends JobName> = (context: ProcessorContext<Name>) => Promise<unknown>;
export type Processors = { [Name in JobName]: Processor<Name> };
