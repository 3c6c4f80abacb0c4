import type { WebhookDelivery, WebhookOutcome } from './apply-webhook-events.js';

export interface WebhookBatcherOptions {
  /** Applies deliveries in one transaction, one outcome each, in order (`applyWebhookEvents`). */
  applyBatch(deliveries: WebhookDelivery[]): Promise<WebhookOutcome[]>;
  /** Records a delivery may change, its dedup keys included; sharing one keeps two apart. */
  keysOf(delivery: WebhookDelivery): string[];
  /** Most deliveries in one transaction. */
  maxBatch?: number;
  /** Batches in flight at once: one is written while the next is gathered and decided. */
  maxInFlight?: number;
  /** Told each batch's size, for the batch-size metric. */
  onBatch?: (size: number) => void;
}

interface Waiting {
  delivery: WebhookDelivery;
  keys: string[];
  resolve(outcome: WebhookOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit for webhook jobs. Each job hands its delivery over and waits for its own
 * outcome; deliveries that arrive while a batch is being written are applied together in the
 * next one. A transaction costs a handful of round trips whatever its size, so under load the
 * worker spends them per batch instead of per event, and when idle a job waits for no one.
 *
 * Two deliveries that share a key (the same event, or events about the same appointment) are
 * never in flight together: the later waits for the earlier's batch, so per record they are
 * applied in arrival order. If a batch fails (one event that will not apply, a deadlock with
 * another worker), each of its deliveries is retried alone, so only the failing one fails.
 */
export class WebhookBatcher {
  readonly #options: Required<WebhookBatcherOptions>;
  #waiting: Waiting[] = [];
  readonly #busyKeys = new Set<string>();
  #inFlight = 0;
  #flushQueued = false;

  constructor(options: WebhookBatcherOptions) {
    this.#options = { maxBatch: 200, maxInFlight: 2, onBatch: () => {}, ...options };
  }

  apply(delivery: WebhookDelivery): Promise<WebhookOutcome> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ delivery, keys: this.#options.keysOf(delivery), resolve, reject });
      // Deliveries handed over in the same turn of the event loop share a batch.
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        setImmediate(() => {
          this.#flushQueued = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#options.maxInFlight) {
      const batch = this.#take();
      if (batch.length === 0) return;
      this.#inFlight++;
      this.#options.onBatch(batch.length);
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        for (const waiting of batch) for (const key of waiting.keys) this.#busyKeys.delete(key);
        this.#flush();
      });
    }
  }

  /** The oldest waiting deliveries whose keys are free, claiming those keys. */
  #take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    // Keys seen in this pass: a delivery left waiting still blocks later ones of its record,
    // so they cannot overtake it.
    const seen = new Set<string>();
    for (const waiting of this.#waiting) {
      const free =
        batch.length < this.#options.maxBatch &&
        !waiting.keys.some((key) => this.#busyKeys.has(key) || seen.has(key));
      for (const key of waiting.keys) seen.add(key);
      (free ? batch : rest).push(waiting);
    }
    for (const waiting of batch) for (const key of waiting.keys) this.#busyKeys.add(key);
    this.#waiting = rest;
    return batch;
  }

  async #run(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.#options.applyBatch(batch.map((w) => w.delivery));
      batch.forEach((waiting, i) => {
        settle(waiting, outcomes[i]);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) {
        try {
          const [outcome] = await this.#options.applyBatch([waiting.delivery]);
          settle(waiting, outcome);
        } catch (aloneError) {
          waiting.reject(aloneError);
        }
      }
    }
  }
}

function settle(waiting: Waiting, outcome: WebhookOutcome | undefined): void {
  if (outcome) waiting.resolve(outcome);
  else waiting.reject(new Error('a webhook batch answered no outcome for a delivery'));
}
