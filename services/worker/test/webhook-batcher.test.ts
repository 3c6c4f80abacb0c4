import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import type { WebhookDelivery, WebhookOutcome } from '../src/webhooks/apply-webhook-events.js';
import { WebhookBatcher } from '../src/webhooks/webhook-batcher.js';

// The batcher's own scheduling, with a recording applyBatch; webhook-batches.int.test.ts runs it
// against PostgreSQL.
const delivery = (id: string, record = id): WebhookDelivery => ({
  payloadHash: `hash-${id}`,
  webhookId: id,
  event: { type: 'Test', record },
  receivedAt: new Date().toISOString(),
});
const idOf = (d: WebhookDelivery) => String(d.webhookId);

function recorder(options: { delayMs?: number; failWhen?: (batch: string[]) => boolean } = {}) {
  const batches: string[][] = [];
  let running = 0;
  let mostRunning = 0;
  const applyBatch = async (deliveries: WebhookDelivery[]): Promise<WebhookOutcome[]> => {
    const ids = deliveries.map(idOf);
    batches.push(ids);
    running++;
    mostRunning = Math.max(mostRunning, running);
    await sleep(options.delayMs ?? 5);
    running--;
    if (options.failWhen?.(ids)) throw new Error(`batch ${ids.join(',')} failed`);
    return ids.map(() => 'processed');
  };
  const batcher = (maxInFlight = 2, maxBatch = 100) =>
    new WebhookBatcher({
      run: applyBatch,
      keysOf: (d) => [`event:${idOf(d)}`, `record:${String(d.event.record)}`],
      maxInFlight,
      maxBatch,
    });
  return { batches, batcher, mostRunning: () => mostRunning };
}

describe('WebhookBatcher', () => {
  test('deliveries handed over together share one batch, and each gets its own outcome', async () => {
    const { batches, batcher } = recorder();
    const b = batcher();
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((id) => b.apply(delivery(id))));
    expect(outcomes).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
  });

  test('deliveries about one record are never batched together, and keep their arrival order', async () => {
    const { batches, batcher } = recorder();
    const b = batcher();
    await Promise.all([
      b.apply(delivery('u1', 'appt-1')),
      b.apply(delivery('x', 'appt-2')),
      b.apply(delivery('u2', 'appt-1')),
      b.apply(delivery('u3', 'appt-1')),
    ]);
    expect(batches[0]).toEqual(['u1', 'x']);
    const order = batches.flat().filter((id) => id.startsWith('u'));
    expect(order).toEqual(['u1', 'u2', 'u3']);
    for (const batch of batches) expect(batch.filter((id) => id.startsWith('u')).length).toBeLessThan(2);
  });

  test('no more batches run at once than allowed; what arrives meanwhile waits for the next', async () => {
    const { batches, batcher, mostRunning } = recorder({ delayMs: 20 });
    const b = batcher(1, 3);
    const first = ['a', 'b', 'c', 'd', 'e'].map((id) => b.apply(delivery(id)));
    await sleep(5);
    const later = ['f', 'g'].map((id) => b.apply(delivery(id)));
    await Promise.all([...first, ...later]);
    expect(mostRunning()).toBe(1);
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  test('a failed batch is retried one delivery at a time, and only the one that fails again fails', async () => {
    const { batches, batcher } = recorder({ failWhen: (ids) => ids.includes('bad') });
    const b = batcher();
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((id) => b.apply(delivery(id))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/batch bad failed/);
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });
});
