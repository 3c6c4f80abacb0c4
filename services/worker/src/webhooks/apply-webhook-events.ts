import {
  type DeliveredEvent,
  type GhlEvent,
  GhlEventShapeError,
  parseGhlEvent,
  withoutNulBytes,
} from '@ghl-bridge/citas';
import { type Db, describeError, webhookEvents } from '@ghl-bridge/db';
import type { WebhookSource } from '@ghl-bridge/jobs';
import { UnrecoverableError } from 'bullmq';
import { eq, or, sql } from 'drizzle-orm';
import {
  type EffectStatus,
  effectContext,
  runEffect,
  type Transaction,
  type WebhookEffect,
  type WebhookEffects,
} from './webhook-effect.js';

/** What applying one delivery came to; a repeat of a finished event is a `duplicate`. */
export type WebhookOutcome = EffectStatus | 'duplicate';

export interface WebhookDelivery {
  payloadHash: string;
  webhookId?: string | undefined;
  event: Record<string, unknown>;
  receivedAt: string;
  /** The ingress request that stored it: jobs its effects promise carry it too. */
  requestId?: string | undefined;
  /** Who vouched for it (GHL's signature when absent); kept on the row for replays. */
  source?: WebhookSource | undefined;
}

export type { WebhookEffects } from './webhook-effect.js';

export interface ApplyOptions {
  /** Called after commit with the jobs the effects promised (outbox ids), to enqueue them now. */
  afterCommit?: (outboxIds: number[]) => Promise<void>;
}

/** The keys that make two deliveries one event: the rows the unique indexes guard. */
export function dedupKeysOf(delivery: WebhookDelivery): string[] {
  const keys = [`hash:${delivery.payloadHash}`];
  if (delivery.webhookId !== undefined) keys.push(`webhook:${delivery.webhookId}`);
  return keys;
}

/** One delivery in its own transaction: `applyWebhookEvents` with a batch of one. */
export async function applyWebhookEvent(
  db: Db,
  delivery: WebhookDelivery,
  effects: WebhookEffects,
  options: ApplyOptions = {},
): Promise<WebhookOutcome> {
  const [outcome] = await applyWebhookEvents(db, [delivery], effects, options);
  if (!outcome) throw new Error('applyWebhookEvents answered no outcome for its one delivery');
  return outcome;
}

/**
 * Records the deliveries and applies their effects in one transaction, so an effect happens
 * exactly when its row says `processed`. A new event's row is written `processed` up front and
 * is ours until commit (a concurrent duplicate waits on the unique index, then finds it done);
 * if its effect fails, the row goes with the rollback. A repeat's row is read with a lock, so a
 * worker holding the same event waits for it, then sees it finished.
 * Answers one outcome per delivery, in order. Any error rolls the whole batch back.
 */
export async function applyWebhookEvents(
  db: Db,
  received: readonly WebhookDelivery[],
  effects: WebhookEffects,
  options: ApplyOptions = {},
): Promise<WebhookOutcome[]> {
  // PostgreSQL cannot hold U+0000: a body that carries one is kept without it, never lost.
  const deliveries = received.map((d) => ({ ...d, event: withoutNulBytes(d.event) }));
  const outboxIds: number[] = [];
  const outcomes = await db.transaction(async (tx) => {
    const rows = await claimEventRows(tx, deliveries);
    const outcomes: WebhookOutcome[] = rows.map(() => 'duplicate');
    // Each due event is parsed once, here, and its effect gets it typed.
    const dueByKind = new Map<string, { indexes: number[]; events: DeliveredEvent[] }>();
    rows.forEach((row, i) => {
      if (!row.due) return;
      const delivery = deliveries[i] as WebhookDelivery;
      const event = { ...parsedForGood(delivery.event), requestId: delivery.requestId };
      const group = dueByKind.get(event.kind) ?? { indexes: [], events: [] };
      group.indexes.push(i);
      group.events.push(event);
      dueByKind.set(event.kind, group);
    });

    // Rows whose stored status is not yet the answer: new ones an effect ignored, and repeats
    // of an event that failed before.
    const context = effectContext(tx, outboxIds);
    const corrections: { id: string; status: EffectStatus; fresh: boolean }[] = [];
    for (const [kind, { indexes, events }] of dueByKind) {
      const effect = effects[kind as GhlEvent['kind']] as WebhookEffect<GhlEvent> | undefined;
      const statuses = effect
        ? await runEffect(effect, context, events)
        : events.map(() => 'ignored' as const);
      indexes.forEach((i, k) => {
        const status = statuses[k];
        const row = rows[i] as ClaimedRow;
        if (!status) throw new Error(`the ${kind} effect answered no status for event ${k}`);
        outcomes[i] = status;
        if (!row.fresh || status !== 'processed') corrections.push({ id: row.id, status, fresh: row.fresh });
      });
    }
    if (corrections.length > 0)
      await tx.execute(sql`
        update webhook_events w
        set status = v.status::webhook_event_status, attempts = w.attempts + (not v.fresh)::int,
            last_error = null, processed_at = now()
        from jsonb_to_recordset(${JSON.stringify(corrections)}::jsonb)
          as v(id bigint, status text, fresh boolean)
        where w.id = v.id`);
    return outcomes;
  });
  if (outboxIds.length > 0) await options.afterCommit?.(outboxIds);
  return outcomes;
}

interface ClaimedRow {
  id: string;
  /** This delivery is the one to apply: its event is new, or was left unfinished before. */
  due: boolean;
  /** Inserted by this transaction, already `processed` with one attempt. */
  fresh: boolean;
}

type EventRow = {
  fresh: boolean;
  id: string;
  status: string;
  webhook_id: string | null;
  payload_hash: string;
};

/**
 * One statement for the common case: lock the rows of events seen before, insert the rest.
 * Rows are inserted in payload-hash order, so two workers with overlapping batches take the
 * unique-index locks in one order. A delivery in neither set lost an insert race to a worker that
 * committed meanwhile; a second read (a new snapshot) finds its row. Within a batch, only the
 * first delivery of an event is due.
 */
async function claimEventRows(
  tx: Transaction,
  deliveries: readonly WebhookDelivery[],
): Promise<ClaimedRow[]> {
  const json = (values: unknown) => JSON.stringify(values);
  const hashes = json(deliveries.map((d) => d.payloadHash));
  const webhookIds = json(deliveries.flatMap((d) => d.webhookId ?? []));
  // Two index lookups joined, not one OR: with an OR PostgreSQL scans the whole table, which
  // grows with every event kept (measured: 5 ms a batch at 14,000 rows, linear in the rows).
  const lockSeen = sql`
    select id::text, status::text, webhook_id, payload_hash from webhook_events
    where id in (
      select id from webhook_events where payload_hash in (select jsonb_array_elements_text(${hashes}::jsonb))
      union
      select id from webhook_events where webhook_id in (select jsonb_array_elements_text(${webhookIds}::jsonb)))
    order by id
    for update`;
  const rows = await tx.execute<EventRow>(sql`
    with seen as (${lockSeen}),
    inserted as (
      insert into webhook_events
        (webhook_id, payload_hash, event_type, location_id, status, attempts, payload, source,
         received_at, processed_at)
      select r."webhookId", r."payloadHash", r."eventType", r."locationId", 'processed', 1, r.payload,
             r.source, r."receivedAt", now()
      from jsonb_to_recordset(${json(deliveries.map(toRow))}::jsonb) as r(
        "webhookId" text, "payloadHash" text, "eventType" text, "locationId" text, payload jsonb,
        source jsonb, "receivedAt" timestamptz)
      order by r."payloadHash"
      on conflict do nothing
      returning id::text, payload_hash)
    select true as fresh, id, 'processed' as status, null as webhook_id, payload_hash from inserted
    union all
    select false, id, status, webhook_id, payload_hash from seen`);
  const found = rowFinder(rows);
  const late = deliveries.every((d) => found(d) !== undefined)
    ? () => undefined
    : rowFinder((await tx.execute<Omit<EventRow, 'fresh'>>(lockSeen)).map((r) => ({ ...r, fresh: false })));

  const claimed = new Set<string>();
  return deliveries.map((delivery) => {
    const row = found(delivery) ?? late(delivery);
    if (!row) throw new Error('webhook event row vanished inside its own transaction');
    const open = row.fresh || row.status === 'received' || row.status === 'failed';
    // A second delivery of an event earlier in this batch is a duplicate of that one.
    const due = open && !claimed.has(row.id);
    claimed.add(row.id);
    return { id: row.id, due, fresh: row.fresh };
  });
}

/**
 * Finds the row a delivery landed on: the one it inserted, else the stored event it repeats
 * (by webhookId first, as a redelivery may differ in bytes).
 */
function rowFinder(rows: readonly EventRow[]): (delivery: WebhookDelivery) => EventRow | undefined {
  const fresh = new Map<string, EventRow>();
  const byWebhookId = new Map<string, EventRow>();
  const byHash = new Map<string, EventRow>();
  for (const row of rows) {
    if (row.fresh) fresh.set(row.payload_hash, row);
    if (row.webhook_id !== null) byWebhookId.set(row.webhook_id, row);
    byHash.set(row.payload_hash, row);
  }
  return (delivery) =>
    fresh.get(delivery.payloadHash) ??
    (delivery.webhookId === undefined ? undefined : byWebhookId.get(delivery.webhookId)) ??
    byHash.get(delivery.payloadHash);
}

/**
 * Records a delivery that must change nothing (it breaks the rule of its source) as `ignored`,
 * with the reason; a repeat finds the row and is a duplicate.
 */
export async function recordIgnoredWebhook(
  db: Db,
  received: WebhookDelivery,
  reason: string,
): Promise<WebhookOutcome> {
  const delivery = { ...received, event: withoutNulBytes(received.event) };
  const inserted = await db
    .insert(webhookEvents)
    .values({
      ...toRow(delivery),
      status: 'ignored',
      attempts: 1,
      lastError: reason,
      receivedAt: new Date(delivery.receivedAt),
      processedAt: new Date(),
    })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  return inserted.length > 0 ? 'ignored' : 'duplicate';
}

/** Keeps a failed attempt visible (status, error, attempts) while the effect stays rolled back. */
export async function recordWebhookFailure(db: Db, received: WebhookDelivery, error: unknown): Promise<void> {
  const delivery = { ...received, event: withoutNulBytes(received.event) };
  const lastError = describeError(error);
  const inserted = await db
    .insert(webhookEvents)
    .values({
      ...toRow(delivery),
      status: 'failed',
      attempts: 1,
      lastError,
      receivedAt: new Date(delivery.receivedAt),
    })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  if (inserted.length > 0) return;
  const byHash = eq(webhookEvents.payloadHash, delivery.payloadHash);
  const matches =
    delivery.webhookId === undefined ? byHash : or(eq(webhookEvents.webhookId, delivery.webhookId), byHash);
  await db
    .update(webhookEvents)
    .set({ status: 'failed', attempts: sql`${webhookEvents.attempts} + 1`, lastError })
    .where(sql`${matches} and ${webhookEvents.status} in ('received', 'failed')`);
}

function toRow(delivery: WebhookDelivery) {
  const { event } = delivery;
  return {
    webhookId: delivery.webhookId ?? null,
    payloadHash: delivery.payloadHash,
    eventType: eventType(event),
    locationId: typeof event.locationId === 'string' ? event.locationId : null,
    payload: event,
    source: delivery.source ?? { kind: 'app' },
    receivedAt: delivery.receivedAt,
  };
}

/** The body's `type` as sent (capped: it is the sender's text), for the row and for operators. */
function eventType(event: Record<string, unknown>): string {
  return typeof event.type === 'string' ? event.type.slice(0, 100) : 'unknown';
}

/** A body that does not have GHL's shape fails for good: the row keeps it for replay. */
function parsedForGood(raw: Record<string, unknown>): GhlEvent {
  try {
    return parseGhlEvent(raw);
  } catch (error) {
    if (error instanceof GhlEventShapeError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
