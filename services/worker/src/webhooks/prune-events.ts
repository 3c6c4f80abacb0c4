import type { Db } from '@ghl-bridge/db';
import { sql } from 'drizzle-orm';

/** Rows deleted per statement: keeps each delete short so it never holds locks for long. */
const BATCH = 5000;

/**
 * Retention: finished events (processed or ignored) older than `retentionDays` go. Failed and
 * unfinished ones stay until replayed or handled: they are evidence, not history.
 */
export async function pruneWebhookEvents(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await db.execute(sql`
      delete from webhook_events where id in (
        select id from webhook_events
        where status in ('processed', 'ignored') and received_at < ${cutoff.toISOString()}::timestamptz
        limit ${BATCH}
      )`);
    const count = deleted.count ?? 0;
    total += count;
    if (count < BATCH) return total;
  }
}

/**
 * Idempotency keys answer retries of one request; RV3 retries within minutes, so a day is
 * ample (the IETF draft suggests at least 24 h). Older keys are deleted.
 */
export async function pruneIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - 86_400_000);
  const deleted = await db.execute(
    sql`delete from idempotency_keys where created_at < ${cutoff.toISOString()}::timestamptz`,
  );
  return deleted.count ?? 0;
}

/**
 * Deliveries to RV3 that ended (delivered, or failed for good) before `cutoff` go, with their
 * attempts (cascade). Pending and queued ones stay whatever their age: they are still owed.
 */
export async function pruneFinishedDeliveries(db: Db, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.execute(sql`
      delete from notification_deliveries where id in (
        select id from notification_deliveries
        where (status = 'delivered' and delivered_at < ${cutoff.toISOString()}::timestamptz)
           or (status = 'failed' and failed_at < ${cutoff.toISOString()}::timestamptz)
        limit ${BATCH}
      )`);
    const count = deleted.count ?? 0;
    total += count;
    if (count < BATCH) return total;
  }
}
