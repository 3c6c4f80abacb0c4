import { sleep } from './wait.js';
import type { SignedEvent } from './webhooks.js';

export interface SendOptions {
  url: string;
  concurrency?: number;
  /** Spread the deliveries at about this many per second, so the load spans the fault. */
  perSecond?: number;
  /** Deliver again after a 429, as GHL does (compressed from its ~10 minutes to `retryDelayMs`). */
  retry429?: boolean;
  retryDelayMs?: number;
  /** Give up retrying a delivery after this long (a bound, so a dead ingress cannot hang the suite). */
  deadlineMs?: number;
  /** Labels each answer (e.g. "redis down") so the report can say what came back when. */
  phase?: () => string;
}

export interface SendResult {
  deliveries: number;
  /** Distinct webhook ids answered 200 at least once: GHL considers these delivered. */
  accepted: Set<string>;
  /** Answers by phase and status (`error` = no HTTP answer). */
  statuses: Map<string, Map<string, number>>;
  /** Deliveries that never got a 200 before the deadline. */
  gaveUp: number;
}

/** Posts every delivery of the plan to ingress's webhook route with the signature GHL would send. */
export async function sendWebhooks(plan: SignedEvent[], options: SendOptions): Promise<SendResult> {
  const {
    url,
    concurrency = 32,
    perSecond,
    retry429 = false,
    retryDelayMs = 500,
    deadlineMs = 180_000,
  } = options;
  const result: SendResult = { deliveries: plan.length, accepted: new Set(), statuses: new Map(), gaveUp: 0 };
  const tally = (status: string) => {
    const phase = options.phase?.() ?? 'all';
    const byStatus = result.statuses.get(phase) ?? new Map<string, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    result.statuses.set(phase, byStatus);
  };
  const started = Date.now();
  let next = 0;

  const deliver = async (event: SignedEvent) => {
    for (;;) {
      let status: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ghl-signature': event.signature },
          body: event.body,
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        status = String(response.status);
      } catch {
        status = 'error';
      }
      tally(status);
      if (status === '200') {
        result.accepted.add(event.webhookId);
        return;
      }
      // Only 429 is retried: GHL drops the event on any other answer, so that is what we model.
      if (!retry429 || status !== '429' || Date.now() - started > deadlineMs) {
        result.gaveUp++;
        return;
      }
      await sleep(retryDelayMs);
    }
  };

  const lane = async () => {
    for (;;) {
      const index = next++;
      const event = plan[index];
      if (!event) return;
      if (perSecond) {
        const due = started + (index / perSecond) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      await deliver(event);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return result;
}

/** "200: 9,950, 429: 50" style summary of one phase's answers. */
export function formatStatuses(byStatus: Map<string, number> | undefined): string {
  if (!byStatus || byStatus.size === 0) return '-';
  return [...byStatus.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
}
