import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { CitaChangeKind } from '../schema/cita-changes.js';
import { notificationDeliveries } from '../schema/notification-deliveries.js';
import { type NotificationEndpoint, notificationEndpoints } from '../schema/notification-endpoints.js';
import type { Executor } from './executor.js';

export interface NewNotificationEndpoint {
  id: string;
  url: string;
  locationIds: string[];
  kinds: CitaChangeKind[];
  secretSealed: string;
  secretHint: string;
}

export async function insertNotificationEndpoint(
  db: Executor,
  input: NewNotificationEndpoint,
): Promise<NotificationEndpoint> {
  const [row] = await db.insert(notificationEndpoints).values(input).returning();
  if (!row) throw new Error('notification endpoint insert returned no row');
  return row;
}

export async function findNotificationEndpoint(
  db: Executor,
  id: string,
): Promise<NotificationEndpoint | undefined> {
  const [row] = await db.select().from(notificationEndpoints).where(eq(notificationEndpoints.id, id));
  return row;
}

export type DeliveryCounts = Record<'pending' | 'queued' | 'delivered' | 'failed', number>;

/** Every endpoint, oldest first, with how many of its deliveries are in each state. */
export async function listNotificationEndpoints(
  db: Executor,
): Promise<Array<NotificationEndpoint & { deliveries: DeliveryCounts }>> {
  const endpoints = await db
    .select()
    .from(notificationEndpoints)
    .orderBy(asc(notificationEndpoints.createdAt));
  const counts = await db
    .select({
      endpointId: notificationDeliveries.endpointId,
      status: notificationDeliveries.status,
      n: sql<number>`count(*)::int`,
    })
    .from(notificationDeliveries)
    .groupBy(notificationDeliveries.endpointId, notificationDeliveries.status);
  return endpoints.map((endpoint) => {
    const deliveries: DeliveryCounts = { pending: 0, queued: 0, delivered: 0, failed: 0 };
    for (const c of counts) if (c.endpointId === endpoint.id) deliveries[c.status] = c.n;
    return { ...endpoint, deliveries };
  });
}

/**
 * Disables a live endpoint and, in the same statement, fails what was waiting for it (kept for
 * replay once it is enabled again). False when there is no such live endpoint.
 */
export async function disableNotificationEndpoint(
  db: Executor,
  id: string,
  reason: string,
): Promise<boolean> {
  const rows = await db.execute<{ id: string }>(sql`
    with disabled as (
      update notification_endpoints set disabled_at = now(), disabled_reason = ${reason}, updated_at = now()
      where id = ${id} and disabled_at is null
      returning id),
    failed as (
      update notification_deliveries set status = 'failed', failed_at = now(), next_attempt_at = null,
        last_error = ${`endpoint disabled: ${reason}`}
      where endpoint_id in (select id from disabled) and status in ('pending', 'queued'))
    select id from disabled`);
  return rows.length > 0;
}

/** Enables a disabled endpoint; what failed meanwhile comes back through a replay. */
export async function enableNotificationEndpoint(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .update(notificationEndpoints)
    .set({ disabledAt: null, disabledReason: null, updatedAt: sql`now()` })
    .where(and(eq(notificationEndpoints.id, id), isNotNull(notificationEndpoints.disabledAt)))
    .returning({ id: notificationEndpoints.id });
  return rows.length > 0;
}

/**
 * A new signing secret; the one it replaces keeps signing alongside until `previousUntil`.
 * Answers the endpoint, or undefined when there is no endpoint with this id.
 */
export async function rotateNotificationEndpointSecret(
  db: Executor,
  id: string,
  next: { secretSealed: string; secretHint: string; previousUntil: Date },
): Promise<NotificationEndpoint | undefined> {
  const [row] = await db
    .update(notificationEndpoints)
    .set({
      // Right-hand sides read the row as it was: the current secret becomes the previous one.
      previousSecretSealed: sql`${notificationEndpoints.secretSealed}`,
      previousSecretUntil: next.previousUntil,
      secretSealed: next.secretSealed,
      secretHint: next.secretHint,
      updatedAt: sql`now()`,
    })
    .where(eq(notificationEndpoints.id, id))
    .returning();
  return row;
}
