import { eq, inArray, sql } from 'drizzle-orm';
import { type CitaChange, citaChanges } from '../schema/cita-changes.js';
import { locationSettings } from '../schema/location-settings.js';
import { type NotificationDelivery, notificationDeliveries } from '../schema/notification-deliveries.js';
import { type NotificationEndpoint, notificationEndpoints } from '../schema/notification-endpoints.js';
import { type Executor, postgresError } from './executor.js';
import { DEFAULT_LOCATION_SETTINGS } from './location-settings.js';
import type { QueuedDelivery } from './notification-deliveries.js';

// The hot path of every delivery attempt, in batches: the worker gathers the attempts of
// concurrent jobs, so a statement's round trip is paid per batch instead of per delivery.

export interface DeliveryToSend {
  delivery: NotificationDelivery;
  endpoint: NotificationEndpoint;
  change: CitaChange;
  /** The location's zone, which the cita's times are shown in. */
  timeZone: string;
}

/** Deliveries with what sending them takes (endpoint, change, zone), by id; missing ids are left out. */
export async function findDeliveriesToSend(db: Executor, ids: readonly number[]): Promise<DeliveryToSend[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      delivery: notificationDeliveries,
      endpoint: notificationEndpoints,
      change: citaChanges,
      timeZone: locationSettings.timeZone,
    })
    .from(notificationDeliveries)
    .innerJoin(notificationEndpoints, eq(notificationEndpoints.id, notificationDeliveries.endpointId))
    .innerJoin(citaChanges, eq(citaChanges.seq, notificationDeliveries.changeSeq))
    .leftJoin(locationSettings, eq(locationSettings.locationId, citaChanges.locationId))
    .where(inArray(notificationDeliveries.id, [...ids]));
  return rows.map((row) => ({ ...row, timeZone: row.timeZone ?? DEFAULT_LOCATION_SETTINGS.timeZone }));
}

export interface DeliveryAttempt {
  deliveryId: number;
  generation: number;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  /** delivered (2xx), retrying (at `nextAttemptAt`), or failed (retries spent, or 410). */
  outcome: 'delivered' | 'retrying' | 'failed';
  nextAttemptAt?: Date | undefined;
  /** Queue the lane's next delivery when this one finished; not when the endpoint is going away. */
  releaseNext: boolean;
}

export interface AttemptRecorded {
  /** False when the delivery had moved on meanwhile (a disable, a replay): nothing was changed. */
  moved: boolean;
  /** The next delivery of the lane, queued because this one finished: its job is to be added. */
  next: QueuedDelivery[];
}

type Row = {
  moved: number[] | null;
  next: Array<{ id: number; generation: number; lane: string }> | null;
  lanes: Array<{ id: number; lane: string }> | null;
};

/**
 * Keeps each attempt, moves each delivery on when it is still the queued one of its generation
 * (a disable or a replay may have moved it meanwhile) and, for those that finished (delivered or
 * failed), queues the next delivery of their lane: one statement for the whole batch. `next`
 * reads what `this` updated, so a lane's finished delivery has left the one-queued index before
 * its next one enters it. Answers one result per attempt, in order.
 */
export async function recordDeliveryAttempts(
  db: Executor,
  attempts: readonly DeliveryAttempt[],
): Promise<AttemptRecorded[]> {
  if (attempts.length === 0) return [];
  const input = JSON.stringify(
    attempts.map((a) => ({
      delivery_id: a.deliveryId,
      generation: a.generation,
      attempt: a.attempt,
      status_code: a.statusCode,
      error: a.error,
      latency_ms: a.latencyMs,
      status: a.outcome === 'retrying' ? 'queued' : a.outcome,
      next_attempt_at: a.nextAttemptAt?.toISOString() ?? null,
      release_next: a.releaseNext,
    })),
  );
  for (let round = 1; ; round++) {
    try {
      const [row] = await db.execute<Row>(sql`
        with input as (
          select * from jsonb_to_recordset(${input}::jsonb) as r(
            delivery_id bigint, generation int, attempt int, status_code int, error text,
            latency_ms int, status notification_delivery_status, next_attempt_at timestamptz,
            release_next boolean)),
        kept as (
          insert into notification_attempts (delivery_id, attempt, status_code, error, latency_ms)
          select delivery_id, attempt, status_code, error, latency_ms from input),
        this as (
          update notification_deliveries d set
            status = i.status,
            attempts = i.attempt,
            last_status_code = i.status_code,
            last_error = i.error,
            last_latency_ms = i.latency_ms,
            last_attempt_at = now(),
            next_attempt_at = i.next_attempt_at,
            delivered_at = case when i.status = 'delivered' then now() else d.delivered_at end,
            failed_at = case when i.status = 'failed' then now() else d.failed_at end
          from input i
          where d.id = i.delivery_id and d.generation = i.generation and d.status = 'queued'
          returning d.id, d.endpoint_id, d.cita_id, d.status, i.release_next),
        candidate as (
          select distinct on (d.endpoint_id, d.cita_id) d.id
          from notification_deliveries d
          join this t on d.endpoint_id = t.endpoint_id and d.cita_id = t.cita_id
          where t.release_next and t.status <> 'queued' and d.status = 'pending'
          order by d.endpoint_id, d.cita_id, d.position),
        next as (
          update notification_deliveries d set status = 'queued', queued_at = now(), next_attempt_at = null
          from candidate c where d.id = c.id and d.status = 'pending'
          returning d.id, d.generation, d.endpoint_id || '/' || d.cita_id as lane)
        select
          (select json_agg(id) from this) as moved,
          (select json_agg(json_build_object('id', id, 'lane', endpoint_id || '/' || cita_id)) from this) as lanes,
          (select json_agg(json_build_object('id', id, 'generation', generation, 'lane', lane)) from next) as next`);
      const moved = new Set((row?.moved ?? []).map(Number));
      const laneOf = new Map((row?.lanes ?? []).map((l) => [Number(l.id), l.lane]));
      const nextOf = new Map(
        (row?.next ?? []).map((n) => [n.lane, { id: Number(n.id), generation: n.generation }]),
      );
      return attempts.map((a) => {
        const next = nextOf.get(laneOf.get(a.deliveryId) ?? '');
        return { moved: moved.has(a.deliveryId), next: next ? [next] : [] };
      });
    } catch (error) {
      // A replay queued a lane's next under us: look again (nothing of this batch was kept).
      if (postgresError(error)?.code !== '23505' || round >= 5) throw error;
    }
  }
}
