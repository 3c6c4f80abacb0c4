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
