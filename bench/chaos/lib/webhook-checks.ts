import type { Database } from '@ghl-bridge/db';
import type { SendResult } from './sender.js';
import { waitFor } from './wait.js';
import type { SignedEvent } from './webhooks.js';

export interface WebhookOutcome {
  distinct: number;
  accepted: number;
  processed: number;
  /** Accepted (answered 200) but with no `processed` row: the guarantee says this stays 0. */
  lost: number;
  /** Events with more than one webhook_events row, or appointments with more than one cita. */
  doubleEffects: number;
  /** Citas for our appointment ids minus distinct appointment ids applied (extra rows). */
  extraCitas: number;
  failedRows: number;
}

/**
 * Reads back what the workers did for these events, waiting (up to `timeoutMs`) for every
 * accepted event to be applied: stalled-job recovery and backoff make the tail slow by design.
 */
export async function webhookOutcome(
  database: Database,
  events: SignedEvent[],
  sent: SendResult,
  timeoutMs: number,
): Promise<WebhookOutcome> {
  const ids = events.map((e) => e.webhookId);
  const processedIds = async () =>
    new Set(
      (
        await database.sql<{ webhook_id: string }[]>`
          select webhook_id from webhook_events
          where webhook_id = any(${ids}) and status = 'processed'`
      ).map((r) => r.webhook_id),
    );
  let processed = new Set<string>();
  try {
    await waitFor(
      'every accepted webhook to be processed',
      async () => {
        processed = await processedIds();
        return [...sent.accepted].every((id) => processed.has(id));
      },
      { timeoutMs, intervalMs: 1_000 },
    );
  } catch {
    // Reported as lost below rather than thrown: the table should still show the figures.
  }
  processed = await processedIds();
  const appointmentIds = events.map((e) => e.appointmentId);
  const [rows] = await database.sql<{ doubled: number; failed: number }[]>`
    select count(*) filter (where n > 1)::int as doubled, coalesce(sum(f), 0)::int as failed from (
      select webhook_id, count(*) as n, count(*) filter (where status = 'failed') as f
      from webhook_events where webhook_id = any(${ids}) group by webhook_id) per_event`;
  const [citaRows] = await database.sql<{ doubled: number; total: number; distinct_ids: number }[]>`
    select count(*)::int as total, count(distinct ghl_appointment_id)::int as distinct_ids,
      (select count(*)::int from (select 1 from citas where ghl_appointment_id = any(${appointmentIds})
        group by ghl_appointment_id having count(*) > 1) d) as doubled
    from citas where ghl_appointment_id = any(${appointmentIds})`;
  const lost = [...sent.accepted].filter((id) => !processed.has(id)).length;
  return {
    distinct: events.length,
    accepted: sent.accepted.size,
    processed: processed.size,
    lost,
    doubleEffects: (rows?.doubled ?? 0) + (citaRows?.doubled ?? 0),
    extraCitas: (citaRows?.total ?? 0) - processed.size,
    failedRows: rows?.failed ?? 0,
  };
}
