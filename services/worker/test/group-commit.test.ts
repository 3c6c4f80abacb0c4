import { describe, expect, it } from 'vitest';
import { batched } from '../src/batching/group-commit.js';

describe('batched', () => {
  it('runs calls made together as one batch, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const double = batched(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers calls made while batches run into the next, at most maxBatch each', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const echo = batched(
      async (items: number[]) => {
        batches.push(items);
        await gate;
        return items;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const first = echo(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4, 5].map(echo);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('runs the items of a failed batch alone, so only the failing one fails', async () => {
    const runs: number[][] = [];
    const strict = batched(async (items: number[]) => {
      runs.push(items);
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    });
    const results = await Promise.allSettled([12, 13, 14].map(strict));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toEqual([[12, 13, 14], [12], [13], [14]]);
  });
});
