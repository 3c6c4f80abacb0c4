import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric ghl-bridge exports, on one registry per process. Components take
 * the piece they need (`metrics.ghl`, …); /metrics serialises the registry.
 */
export function createMetrics() {
  const registry = new Registry();
  const opts = { registers: [registry] };
  return {
    registry,
    http: {
      duration: new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request latency by route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        ...opts,
      }),
    },
    webhooks: {
      received: new Counter({
        name: 'webhooks_received_total',
        help: 'Webhook deliveries at ingress by outcome: stored, rejected (with reason), not_stored (answered 429)',
        labelNames: ['source', 'outcome'],
        ...opts,
      }),
      applied: new Counter({
        name: 'webhooks_applied_total',
        help: 'Webhook events at the worker by outcome: processed, ignored (stale, unknown type), duplicate',
        labelNames: ['type', 'outcome'],
        ...opts,
      }),
      batchSize: new Histogram({
        name: 'webhook_batch_events',
        help: 'Webhook events applied per worker transaction (group commit; larger under load)',
        buckets: [1, 2, 5, 10, 25, 50, 100, 250],
        ...opts,
      }),
    },
    queues: {
      depth: new Gauge({
        name: 'queue_jobs',
        help: 'Jobs per queue and state (read on scrape)',
        labelNames: ['queue', 'state'],
        ...opts,
      }),
      oldestWaitingSeconds: new Gauge({
        name: 'queue_oldest_waiting_seconds',
        help: 'Age of the oldest waiting job per queue (read on scrape)',
        labelNames: ['queue'],
        ...opts,
      }),
    },
    jobs: {
      duration: new Histogram({
        name: 'job_duration_seconds',
        help: 'Job run time by job name and outcome',
        labelNames: ['job', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        ...opts,
      }),
      failures: new Counter({
        name: 'job_failures_total',
        help: 'Job attempts that failed, by job name',
        labelNames: ['job'],
        ...opts,
      }),
    },
    notifications: {
      deliveries: new Counter({
        name: 'notification_deliveries_total',
        help: 'Outbound webhook attempts to RV3 by endpoint id and outcome: delivered, retrying, failed (retries spent), gone (410, endpoint disabled)',
        labelNames: ['endpoint', 'outcome'],
        ...opts,
      }),
      lag: new Histogram({
        name: 'notification_delivery_lag_seconds',
        help: 'From a change being written to its 2xx from the endpoint, retries included',
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86_400],
        ...opts,
      }),
      endpointsDisabled: new Counter({
        name: 'notification_endpoints_disabled_total',
        help: 'Endpoints disabled, by reason: gone (the receiver answered 410) or operator',
        labelNames: ['reason'],
        ...opts,
      }),
    },
    reconcile: {
      driftRepaired: new Counter({
        name: 'reconcile_drift_repaired_total',
        help: 'Citas repaired by reconciliation, by kind (created, updated, removed) and location',
        labelNames: ['kind', 'location'],
        ...opts,
      }),
    },
    ghl: {
      calls: new Counter({
        name: 'ghl_calls_total',
        help: 'GHL API calls by endpoint, status and location',
        labelNames: ['endpoint', 'status', 'location'],
        ...opts,
      }),
      rateLimited: new Counter({
        name: 'ghl_rate_limited_total',
        help: 'Calls held back for rate limits: by our budget, or by a GHL 429',
        labelNames: ['location', 'source'],
        ...opts,
      }),
      budgetRemaining: new Gauge({
        name: 'ghl_budget_remaining',
        help: 'Requests left in the current burst window per location (ours, corrected from GHL headers)',
        labelNames: ['location'],
        ...opts,
      }),
      slotLateness: new Histogram({
        name: 'ghl_budget_slot_lateness_seconds',
        help: 'How late a delayed job claimed the GHL slot held for it; past a tenth of the window it is given up',
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        ...opts,
      }),
      refreshes: new Counter({
        name: 'ghl_token_refreshes_total',
        help: 'Token refreshes by outcome',
        labelNames: ['outcome'],
        ...opts,
      }),
      refreshSeconds: new Histogram({
        name: 'ghl_token_refresh_seconds',
        help: 'Time to refresh a token, lock wait excluded',
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        ...opts,
      }),
      lockWaitSeconds: new Histogram({
        name: 'ghl_refresh_lock_wait_seconds',
        help: 'Time spent waiting for another process to finish a refresh',
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        ...opts,
      }),
      needsReauth: new Counter({
        name: 'ghl_installs_needing_reauth_total',
        help: 'Installs marked as needing re-authorisation',
        ...opts,
      }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
