import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Random } from '../domain/prng.js';
import type { Signer } from './signer.js';

export interface WebhookDeliveryOptions {
  /** Where events go (GHL's "Default Webhook URL"). Nothing is sent while unset. */
  url?: string;
  /** Delay before the first attempt of every event, ms. */
  delayMs: number;
  /** Chance an event is sent twice (same body, same webhookId), as GHL sometimes does. */
  duplicateRate: number;
  /** Chance an event is held back by `reorderDelayMs`, so later events overtake it. */
  outOfOrderRate: number;
  reorderDelayMs: number;
  /** Chance an event is silently never sent (GHL webhooks are lossy). */
  dropRate: number;
  /** Spacing between retries after a 429 answer (GHL: ~10 minutes plus jitter). */
  retrySpacingMs: number;
  /** Random extra spacing per retry, up to this many ms. */
  retryJitterMs: number;
  /** Retries after 429s (GHL: 6). Any other status, or no answer, is final. */
  maxRetries: number;
  /** Per-attempt HTTP timeout, ms. */
  timeoutMs: number;
  /** Also send the legacy RSA `x-wh-signature` (GHL sends both during the transition). */
  legacyRsaSignature: boolean;
}

const DEFAULT_DELIVERY: WebhookDeliveryOptions = {
  delayMs: 0,
  duplicateRate: 0,
  outOfOrderRate: 0,
  reorderDelayMs: 50,
  dropRate: 0,
  retrySpacingMs: 600_000,
  retryJitterMs: 0,
  maxRetries: 6,
  timeoutMs: 10_000,
  legacyRsaSignature: true,
};

export interface DeliveryRecord {
  webhookId: string;
  type: string;
  url: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
  /** One entry per HTTP attempt: status code, or an error text. */
  attempts: { at: string; status?: number; error?: string }[];
  duplicate: boolean;
}

const MAX_RECORDS = 2000;

export class Dispatcher {
  options: WebhookDeliveryOptions;
  private readonly records: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: Logger,
    options: Partial<WebhookDeliveryOptions>,
  ) {
    this.options = { ...DEFAULT_DELIVERY, ...options };
  }

  /** Adds timestamp + webhookId, serialises once, and schedules delivery of those exact bytes. */
  send(payload: Record<string, unknown>): DeliveryRecord | undefined {
    const url = this.options.url;
    if (!url || this.closed) return undefined;
    const webhookId = randomUUID();
    const body = JSON.stringify({
      ...payload,
      timestamp: new Date(this.clock.now()).toISOString(),
      webhookId,
    });
    const type = String(payload.type);
    const o = this.options;
    if (this.random() < o.dropRate) {
      return this.keep({ webhookId, type, url, body, state: 'dropped', attempts: [], duplicate: false });
    }
    const rec = this.keep({ webhookId, type, url, body, state: 'pending', attempts: [], duplicate: false });
    const delay = o.delayMs + (this.random() < o.outOfOrderRate ? o.reorderDelayMs : 0);
    this.schedule(rec, delay, 0);
    if (this.random() < o.duplicateRate) {
      const dup = this.keep({ ...rec, attempts: [], duplicate: true });
      this.schedule(dup, delay + 1 + Math.floor(this.random() * 20), 0);
    }
    return rec;
  }

  deliveries(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  clear(): void {
    this.records.length = 0;
  }

  /** Resolves when nothing is scheduled or in flight (pending 429 retries count as scheduled). */
  idle(): Promise<void> {
    if (this.timers.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
  }

  private keep(rec: DeliveryRecord): DeliveryRecord {
    this.records.push(rec);
    if (this.records.length > MAX_RECORDS) this.records.shift();
    return rec;
  }

  private schedule(rec: DeliveryRecord, delayMs: number, retry: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(rec, retry);
    }, delayMs);
    this.timers.add(t);
  }

  private async attempt(rec: DeliveryRecord, retry: number): Promise<void> {
    this.inFlight++;
    const raw = Buffer.from(rec.body, 'utf8');
    const sig = this.signer.sign(raw);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ghl-signature': sig.ed25519,
    };
    if (this.options.legacyRsaSignature) headers['x-wh-signature'] = sig.rsa;
    const at = new Date(this.clock.now()).toISOString();
    try {
      const res = await fetch(rec.url, {
        method: 'POST',
        headers,
        body: raw,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      rec.attempts.push({ at, status: res.status });
      if (res.status === 429 && retry < this.options.maxRetries && !this.closed) {
        const spacing = this.options.retrySpacingMs + Math.floor(this.random() * this.options.retryJitterMs);
        this.schedule(rec, spacing, retry + 1);
      } else {
        rec.state = res.status >= 200 && res.status < 300 ? 'delivered' : 'failed';
      }
    } catch (err) {
      rec.attempts.push({ at, error: err instanceof Error ? err.message : String(err) });
      rec.state = 'failed';
      this.log.warn({ webhookId: rec.webhookId, err }, 'webhook delivery failed (final, as on GHL)');
    } finally {
      this.inFlight--;
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.timers.size > 0 || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
