export interface GroupCommitOptions<I, O> {
  /** Runs one batch (one transaction or statement), answering one result per item, in order. */
  run(items: I[]): Promise<O[]>;
  /**
   * What each item may change. Two items that share a key are never in flight together: the
   * later waits for the earlier's batch, so per key they run in arrival order. Default: none.
   */
  keysOf?(item: I): string[];
  /** Most items in one batch. */
  maxBatch?: number;
  /** Batches in flight at once: one is written while the next is gathered. */
  maxInFlight?: number;
  /** Told each batch's size, for a metric. */
  onBatch?(size: number): void;
}

interface Waiting<I, O> {
  item: I;
  keys: string[];
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Each caller hands its item over and waits for its own result; items that come
 * while a batch runs (or in the same turn of the event loop) share the next one. A transaction
 * costs a handful of round trips whatever its size, so under load they are paid per batch
 * instead of per item, and an idle caller waits for no one. When a batch fails (one item that
 * will not apply, a deadlock with another process), each of its items is run alone, so only a
 * failing one fails.
 */
export class GroupCommit<I, O> {
  readonly #options: Required<GroupCommitOptions<I, O>>;
  #waiting: Array<Waiting<I, O>> = [];
  readonly #busyKeys = new Set<string>();
  #inFlight = 0;
  #flushQueued = false;

  constructor(options: GroupCommitOptions<I, O>) {
    this.#options = { keysOf: () => [], maxBatch: 200, maxInFlight: 2, onBatch: () => {}, ...options };
  }

  apply(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, keys: this.#options.keysOf(item), resolve, reject });
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

  /** The oldest waiting items whose keys are free, claiming those keys. */
  #take(): Array<Waiting<I, O>> {
    const batch: Array<Waiting<I, O>> = [];
    const rest: Array<Waiting<I, O>> = [];
    // Keys seen in this pass: an item left waiting still blocks later ones of its key, so
    // they cannot overtake it.
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

  async #run(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const results = await this.#results(batch.map((w) => w.item));
      for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as O);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) {
        try {
          const [result] = await this.#results([waiting.item]);
          waiting.resolve(result as O);
        } catch (aloneError) {
          waiting.reject(aloneError);
        }
      }
    }
  }

  async #results(items: I[]): Promise<O[]> {
    const results = await this.#options.run(items);
    if (results.length !== items.length) {
      throw new Error(`a batch of ${items.length} answered ${results.length} results`);
    }
    return results;
  }
}

/** A group-committed function: `batched(run)(item)` runs `item` in the next batch. */
export function batched<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: Omit<GroupCommitOptions<I, O>, 'run'> = {},
): (item: I) => Promise<O> {
  const commit = new GroupCommit({ run, ...options });
  return (item) => commit.apply(item);
}
