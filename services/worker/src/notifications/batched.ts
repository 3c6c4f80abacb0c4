export interface BatchedOptions {
  /** Most calls in one batch. */
  maxBatch?: number;
  /** Batches running at once: calls that come meanwhile gather into the next one. */
  maxInFlight?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit for one statement: calls made while a batch runs (or in the same turn of the
 * event loop) share the next batch, so under load a round trip is paid per batch, and an idle
 * caller waits for no one. `run` answers one result per item, in order. When a batch fails,
 * each of its items is run alone, so only a failing one fails.
 */
export function batched<I, O>(
  run: (items: I[]) => Promise<O[]>,
  { maxBatch = 200, maxInFlight = 2 }: BatchedOptions = {},
): (item: I) => Promise<O> {
  const waiting: Array<Waiting<I, O>> = [];
  let inFlight = 0;
  let flushQueued = false;

  const settle = async (batch: Array<Waiting<I, O>>) => {
    try {
      const results = await run(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`batch of ${batch.length} answered ${results.length}`);
      for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(batch.map((w) => settle([w])));
    }
  };

  const flush = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      inFlight++;
      void settle(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(() => {
          flushQueued = false;
          flush();
        });
      }
    });
}
