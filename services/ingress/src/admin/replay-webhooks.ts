import { type Db, isStorableInstant, webhookEvents } from '@ghl-bridge/db';
import { enqueue, type Queues, webhookJobId, webhookSource } from '@ghl-bridge/jobs';
import { and, eq, gte } from 'drizzle-orm';
import { z } from 'zod';

export type ReplaySelector = { id: number } | { since: Date };

/**
 * What a replay names, for the admin route and the CLI alike: an event id (a positive integer
 * PostgreSQL's bigint holds) or an ISO-8601 instant with an offset that PostgreSQL can store.
 * Anything else (NUL bytes included) fails here, as a 400, before the database sees it.
 */
export const replayRequestSchema = z
  .object({
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    since: z.iso
      .datetime({ offset: true })
      .refine((v) => isStorableInstant(Date.parse(v)), 'must be a date from year 1 to 9999')
      .optional(),
  })
  .refine((b) => (b.id === undefined) !== (b.since === undefined), {
    message: 'give exactly one of id or since',
  });

export function toReplaySelector(request: z.infer<typeof replayRequestSchema>): ReplaySelector {
  return request.id !== undefined ? { id: request.id } : { since: new Date(request.since ?? 0) };
}

/**
 * Why replaying event `id` put nothing back, for a person who asked for that one event: there
 * is no such event, or it is not failed (only failed events are replayed).
 */
export async function whyNotReplayed(db: Db, id: number): Promise<{ status: 404 | 409; message: string }> {
  const [row] = await db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, id));
  return row
    ? { status: 409, message: `Webhook event ${id} is ${row.status}: only failed events are replayed` }
    : { status: 404, message: `No webhook event ${id}` };
}

/** At most this many events per call, so one request cannot flood the queue. */
const MAX_REPLAY = 10_000;

/**
 * Puts failed webhook events back to work. The delivery's own job (`wh-<webhookId>` or
 * `body-<hash>`, as ingress stored it) is retried in place when it is still in the failed set
 * (BullMQ's `job.retry`, with a fresh set of attempts), so once it succeeds Bull Board shows it
 * completed instead of a failed job beside a new one. When that job is gone (failed jobs are kept
 * a week) it is enqueued anew under the same id from the row's payload (the row is still
 * `failed`, so the worker applies it as if new); a finished one in the way is removed first. A
 * job still waiting, delayed or running is left as it is: it runs anyway.
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
  for (const row of rows) await replayOne(queues, row);
  return rows.map((row) => row.id);
}

async function replayOne(queues: Queues, row: typeof webhookEvents.$inferSelect): Promise<void> {
  const jobId = webhookJobId(row.webhookId ?? undefined, row.payloadHash);
  const failed = await queues.webhooks.getJob(jobId);
  if (failed && (await failed.getState()) === 'failed') {
    const retried = await failed
      .retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      .then(
        () => true,
        () => false,
      );
    if (retried) return;
  }
  // Look again: another replay may have just retried it (this retry then fails), and a job that
  // is waiting, delayed or running runs anyway; removing it to add it anew would lose its history.
  const job = await queues.webhooks.getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  if (job && !['completed', 'failed', 'unknown'].includes(state)) return;
  await job?.remove().catch(() => undefined);
  await enqueue(
    queues,
    'webhook.process',
    // The job's own data while it exists (the request that delivered it stays named in it);
    // once it has aged out, the row's.
    job?.data ?? {
      payloadHash: row.payloadHash,
      webhookId: row.webhookId ?? undefined,
      event: row.payload as Record<string, unknown>,
      // Replayed under the rule of whoever vouched for it first (rows before 0007: GHL's signature).
      source: webhookSource.parse(row.source ?? { kind: 'app' }),
      receivedAt: row.receivedAt.toISOString(),
    },
    { jobId },
  );
}
