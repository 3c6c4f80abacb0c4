import { type Db, type WebhookEventStatus, webhookEvents } from '@ghl-bridge/db';
import { eq, or, sql } from 'drizzle-orm';

/** What applying one delivery came to; a repeat of a finished event is a `duplicate`. */
export type WebhookOutcome = 'processed' | 'ignored' | 'duplicate';

export interface WebhookDelivery {
  payloadHash: string;
  webhookId?: string | undefined;
  event: Record<string, unknown>;
  receivedAt: string;
}

export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * The change an event makes, run inside the transaction that records the event. It answers
 * `ignored` when the event changes nothing (older than what we hold, a tombstoned record).
 */
export type WebhookEffect = (
  tx: Transaction,
  event: Record<string, unknown>,
) => Promise<'processed' | 'ignored'>;

/**
 * Records the delivery and applies its effect in one transaction, so the effect happens exactly
 * when the row says `processed`. The row lock serialises concurrent deliveries of one event
 * across workers: the second waits, then sees `processed` and does nothing.
 */
export async function applyWebhookEvent(
  db: Db,
  delivery: WebhookDelivery,
  effects: Readonly<Record<string, WebhookEffect>>,
): Promise<WebhookOutcome> {
  return db.transaction(async (tx) => {
    // A new event's row comes back from the insert, already ours until commit (a concurrent
    // duplicate waits on the unique index). Only a repeat needs the second, locking read.
    const [inserted] = await tx
      .insert(webhookEvents)
      .values(toRow(delivery, 'received'))
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id, status: webhookEvents.status });
    const [row] = inserted
      ? [inserted]
      : await tx
          .select({ id: webhookEvents.id, status: webhookEvents.status })
          .from(webhookEvents)
          .where(matches(delivery))
          .limit(1)
          .for('update');
    if (!row) throw new Error('webhook event row vanished inside its own transaction');
    if (row.status === 'processed' || row.status === 'ignored') return 'duplicate';

    const effect = effects[eventType(delivery.event)];
    const status = effect ? await effect(tx, delivery.event) : 'ignored';
    await tx
      .update(webhookEvents)
      .set({ status, attempts: sql`${webhookEvents.attempts} + 1`, lastError: null, processedAt: new Date() })
      .where(eq(webhookEvents.id, row.id));
    return status;
  });
}

/** Keeps a failed attempt visible (status, error, attempts) while the effect stays rolled back. */
export async function recordWebhookFailure(db: Db, delivery: WebhookDelivery, error: unknown): Promise<void> {
  const lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const inserted = await db
    .insert(webhookEvents)
    .values({ ...toRow(delivery, 'failed'), attempts: 1, lastError })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  if (inserted.length > 0) return;
  await db
    .update(webhookEvents)
    .set({ status: 'failed', attempts: sql`${webhookEvents.attempts} + 1`, lastError })
    .where(sql`${matches(delivery)} and ${webhookEvents.status} in ('received', 'failed')`);
}

function matches(delivery: WebhookDelivery) {
  const byHash = eq(webhookEvents.payloadHash, delivery.payloadHash);
  return delivery.webhookId === undefined
    ? byHash
    : or(eq(webhookEvents.webhookId, delivery.webhookId), byHash);
}

function toRow(delivery: WebhookDelivery, status: WebhookEventStatus) {
  const { event } = delivery;
  return {
    webhookId: delivery.webhookId ?? null,
    payloadHash: delivery.payloadHash,
    eventType: eventType(event),
    locationId: typeof event.locationId === 'string' ? event.locationId : null,
    status,
    payload: event,
    receivedAt: new Date(delivery.receivedAt),
  };
}

function eventType(event: Record<string, unknown>): string {
  return typeof event.type === 'string' ? event.type : 'unknown';
}
