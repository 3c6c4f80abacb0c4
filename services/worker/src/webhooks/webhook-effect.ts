import type { GhlEvent, GhlEventKind } from '@ghl-bridge/citas';
import { addManyToOutbox, type Db, type OutboxMessage } from '@ghl-bridge/db';

export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/** `ignored` when the event changes nothing (older than what we hold, a tombstoned record). */
export type EffectStatus = 'processed' | 'ignored';

/** What an effect runs with: the transaction that records its events, and the outbox. */
export interface EffectContext {
  tx: Transaction;
  /** Promises jobs in this transaction; they are enqueued as soon as the transaction commits. */
  promise(...messages: OutboxMessage[]): Promise<void>;
}

export type EventOf<K extends GhlEventKind> = Extract<GhlEvent, { kind: K }> & {
  /** The ingress request that delivered it: the jobs it promises carry it too. */
  requestId?: string | undefined;
};

/** The change one event makes, run inside the transaction that records the event. */
export type SingleEffect<E> = (context: EffectContext, event: E) => Promise<EffectStatus>;

/**
 * The change of many events of one kind at once, in a few statements instead of a few per
 * event: what lets one worker keep up with GHL's busiest locations. The events never share a
 * record (see `entityKeysOf`), so applying them together equals applying them in turn.
 */
export interface BatchEffect<E> {
  applyAll(context: EffectContext, events: readonly E[]): Promise<EffectStatus[]>;
}

export type WebhookEffect<E> = SingleEffect<E> | BatchEffect<E>;

/** What each kind of GHL event changes; a kind without an effect is recorded as `ignored`. */
export type WebhookEffects = { readonly [K in GhlEventKind]?: WebhookEffect<EventOf<K>> };

/** Applies `events` (all of one kind) and answers one status per event, in order. */
export async function runEffect<E>(
  effect: WebhookEffect<E>,
  context: EffectContext,
  events: readonly E[],
): Promise<EffectStatus[]> {
  if (typeof effect !== 'function') return effect.applyAll(context, events);
  const statuses: EffectStatus[] = [];
  for (const event of events) statuses.push(await effect(context, event));
  return statuses;
}

/** An effect context on `tx` whose promised jobs are collected in `outboxIds`. */
export function effectContext(tx: Transaction, outboxIds: number[]): EffectContext {
  return {
    tx,
    async promise(...messages) {
      outboxIds.push(...(await addManyToOutbox(tx, messages)));
    },
  };
}
