import type { Child } from './processes.js';
import { tail, warnings } from './processes.js';
import type { Check, SuiteReport } from './report.js';
import { formatStatuses, type SendOptions, type SendResult, sendWebhooks } from './sender.js';
import { Stack } from './stack.js';
import { type WebhookOutcome, webhookOutcome } from './webhook-checks.js';
import { deliveryPlan, signedAppointmentEvents, webhookKeys } from './webhooks.js';

export interface WebhookSuiteContext {
  stack: Stack;
  workers: Child[];
  /** Resolves when every delivery has had its answer. */
  sending: Promise<SendResult>;
}

export interface WebhookSuiteSpec {
  name: string;
  title: string;
  events: number;
  duplicateShare?: number;
  maxCopies?: number;
  send?: Omit<SendOptions, 'url'>;
  /** The fault, run while the webhooks are being sent; returns extra checks and notes. */
  fault?: (context: WebhookSuiteContext) => Promise<{ checks?: Check[]; notes?: string[] } | undefined>;
  /** Extra checks once the events are settled (job counters, sandbox state...). */
  after?: (context: { stack: Stack; sent: SendResult }) => Promise<{ checks?: Check[]; notes?: string[] }>;
  /** How long to wait for the accepted events to be applied after sending ends. */
  settleMs: number;
  extraEnv?: Record<string, string>;
  /** Run on a local Redis Cluster instead of one Redis (see Stack). */
  cluster?: { replicasPerMaster: number };
}

/**
 * The skeleton every webhook suite shares: own Redis and PostgreSQL, one ingress, two workers,
 * signed GHL events with duplicates posted in shuffled order while `fault` does its damage, then
 * the database is asked whether every accepted event has exactly one effect.
 */
export async function runWebhookSuite(spec: WebhookSuiteSpec): Promise<SuiteReport> {
  const started = Date.now();
  const keys = webhookKeys();
  const stack = new Stack(spec.name, {
    webhookPublicKey: keys.publicKey,
    env: spec.extraEnv,
    ...(spec.cluster ? { cluster: spec.cluster } : {}),
  });
  try {
    await stack.start();
    await stack.startIngress();
    const workers = [await stack.startWorker('worker-a'), await stack.startWorker('worker-b')];
    const runId = `${spec.name.replaceAll('-', '')}${Date.now().toString(36)}`;
    const events = signedAppointmentEvents(spec.events, keys.privateKey, runId);
    const plan = deliveryPlan(events, spec.duplicateShare ?? 0.3, spec.maxCopies ?? 5);
    const sending = sendWebhooks(plan, { url: `${stack.ingressUrl}/api/webhooks/ghl/`, ...spec.send });
    const extra = (await spec.fault?.({ stack, workers, sending })) ?? {};
    const sent = await sending;
    const outcome = await webhookOutcome(stack.database, events, sent, spec.settleMs);
    const late = (await spec.after?.({ stack, sent })) ?? {};
    const crashes: Check = {
      guarantee: 'worker processes survive the fault (no crash)',
      ok: stack.crashes.length === 0,
      detail:
        stack.crashes.length === 0
          ? 'no unexpected exit'
          : `${stack.crashes.length} crashed and were restarted by the harness: ${stack.crashes[0]?.error}`,
    };
    const checks = [...baseChecks(outcome, sent), crashes, ...(extra.checks ?? []), ...(late.checks ?? [])];
    if (checks.some((c) => !c.ok)) printLogTails(stack);
    return {
      name: spec.name,
      title: spec.title,
      figures: figures(outcome, sent),
      checks,
      notes: [...(extra.notes ?? []), ...(late.notes ?? [])],
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    printLogTails(stack);
    throw error;
  } finally {
    await stack.close();
  }
}

function figures(o: WebhookOutcome, sent: SendResult): SuiteReport['figures'] {
  return [
    ['sent', sent.deliveries],
    ['distinct', o.distinct],
    ['accepted', o.accepted],
    ['applied', o.processed],
    ['duplicates', sent.deliveries - o.distinct],
    ['lost', o.lost],
    ['double effects', o.doubleEffects + Math.max(0, o.extraCitas)],
    ...[...sent.statuses.entries()].map(
      ([phase, byStatus]) => [`answers (${phase})`, formatStatuses(byStatus)] as [string, string],
    ),
  ];
}

function baseChecks(o: WebhookOutcome, sent: SendResult): Check[] {
  return [
    {
      guarantee: 'no accepted webhook lost',
      ok: o.lost === 0,
      detail: `${o.accepted} accepted, ${o.processed} processed, ${o.lost} accepted without a processed row`,
    },
    {
      guarantee: 'one effect per distinct event',
      ok: o.doubleEffects === 0 && o.extraCitas <= 0,
      detail: `${o.doubleEffects} events/appointments with 2+ rows, ${Math.max(0, o.extraCitas)} extra citas`,
    },
    {
      guarantee: 'every delivery answered 200 or 429 (never 5xx, never dropped)',
      ok: [...sent.statuses.values()].every((m) => [...m.keys()].every((s) => s === '200' || s === '429')),
      detail: [...sent.statuses.entries()].map(([p, m]) => `${p}: ${formatStatuses(m)}`).join('; '),
    },
  ];
}

function printLogTails(stack: Stack): void {
  for (const prefix of ['ingress', 'worker']) {
    const lines = stack.logs(prefix);
    if (lines.length > 0)
      console.error(`--- last lines of ${prefix} logs ---\n${tail(warnings(lines).join('\n'), 10)}`);
  }
}
