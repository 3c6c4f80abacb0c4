import type { Db } from '@ghl-bridge/db';

export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/** `ignored` when the event changes nothing (older than what we hold, a tombstoned record). */
export type EffectStatus = 'processed' | 'ignored';

/** The change one event makes, run inside the transaction that records the event. */
export type SingleEffect = (tx: Transaction, event: Record<string, unknown>) => Promise<EffectStatus>;

/**
 * The change of many events of one type at once, in a few statements instead of a few per
 * event: what lets one worker keep up with GHL's busiest locations. The events never share a
 * record (see `entityKeysOf`), so applying them together equals applying them in turn.
 */
export interface BatchEffect {
  applyAll(tx: Transaction, events: readonly Record<string, unknown>[]): Promise<EffectStatus[]>;
}

export type WebhookEffect = SingleEffect | BatchEffect;

/** Applies `events` (all of one type) and answers one status per event, in order. */
export async function runEffect(
  effect: WebhookEffect,
  tx: Transaction,
  events: readonly Record<string, unknown>[],
): Promise<EffectStatus[]> {
  if (typeof effect !== 'function') return effect.applyAll(tx, events);
  const statuses: EffectStatus[] = [];
  for (const event of events) statuses.push(await effect(tx, event));
  return statuses;
}
