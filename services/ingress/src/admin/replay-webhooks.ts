import { type Db, webhookEvents } from '@ghl-bridge/db';
import { enqueue, type Queues } from '@ghl-bridge/jobs';
import { and, eq, gte } from 'drizzle-orm';

export type ReplaySelector = { id: number } | { since: Date };

/** At most this many events per call, so one request cannot flood the queue. */
const MAX_REPLAY = 10_000;

/**
 * Puts failed webhook events back on the queue from their stored payloads. The event's row
 * is still `failed`, so the worker applies it as if new; a fresh job id is needed because the
 * failed job keeps the delivery's id in Bull Board.
 */
export async function replayFailedWebhooks(
  db: Db,
  queues: Queues,
  selector: ReplaySelector,
): Promise<number[]> {
  const match =
    'id' in selector ? eq(webhookEvents.id, selector.id) : gte(webhookEvents.receivedAt, selector.since);
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'failed'), match))
    .orderBy(webhookEvents.receivedAt)
    .limit(MAX_REPLAY);
  const stamp = Date.now();
  for (const row of rows) {
    await enqueue(
      queues,
      'webhook.process',
      {
        payloadHash: row.payloadHash,
        webhookId: row.webhookId ?? undefined,
        event: row.payload as Record<string, unknown>,
        receivedAt: row.receivedAt.toISOString(),
      },
      { jobId: `replay-${row.id}-${stamp}` },
    );
  }
  return rows.map((row) => row.id);
}
