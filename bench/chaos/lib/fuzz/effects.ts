import { QUEUE_NAMES } from '@ghl-bridge/jobs';
import { createRedis, queuePrefix, type RedisSettings } from '@ghl-bridge/redis';
import { Queue } from 'bullmq';
import { CHAOS_PREFIX, type Stack } from '../stack.js';

/** The queues a request can reach (maintenance runs on its own schedule). */
// Every queue, maintenance and notifications included: a refused request must enqueue nothing anywhere.
const QUEUES = QUEUE_NAMES;
const STATES = [
  'completed',
  'failed',
  'delayed',
  'wait',
  'active',
  'prioritized',
  'waiting-children',
] as const;

export interface JobInfo {
  queue: string;
  id: string;
  name: string;
  requestId: string | undefined;
  state: string;
  attemptsMade: number;
  failedReason: string | undefined;
  /** When it was added, first taken by a worker, and finished (ms since the epoch). */
  times: { added: number; started?: number | undefined; finished?: number | undefined };
}

export interface Snapshot {
  counts: Record<'webhook_events' | 'citas' | 'cita_changes' | 'outbox' | 'idempotency_keys', number>;
  jobs: Map<string, JobInfo>;
  citaIds: Set<string>;
  lastChangeSeq: number;
  lastWebhookEventId: number;
  lastOutboxId: number;
  idempotencyKeys: Set<string>;
}

/** What the suite's PostgreSQL and Redis hold that a request could have added. */
export async function snapshot(stack: Stack): Promise<Snapshot> {
  const { sql } = stack.database;
  const [counts] = await sql<Snapshot['counts'][]>`
    select (select count(*)::int from webhook_events) as webhook_events,
           (select count(*)::int from citas) as citas,
           (select count(*)::int from cita_changes) as cita_changes,
           (select count(*)::int from outbox) as outbox,
           (select count(*)::int from idempotency_keys) as idempotency_keys`;
  const [last] = await sql<{ seq: number; event: number; outbox: number }[]>`
    select coalesce((select max(seq) from cita_changes), 0)::int as seq,
           coalesce((select max(id) from webhook_events), 0)::int as event,
           coalesce((select max(id) from outbox), 0)::int as outbox`;
  const citaIds = new Set((await sql<{ id: string }[]>`select id from citas`).map((r) => r.id));
  const keys = new Set((await sql<{ key: string }[]>`select key from idempotency_keys`).map((r) => r.key));
  return {
    counts: counts as Snapshot['counts'],
    jobs: await listJobs(stack.redisSettings),
    citaIds,
    lastChangeSeq: last?.seq ?? 0,
    lastWebhookEventId: last?.event ?? 0,
    lastOutboxId: last?.outbox ?? 0,
    idempotencyKeys: keys,
  };
}

async function listJobs(redis: RedisSettings): Promise<Map<string, JobInfo>> {
  const connection = createRedis(redis, 'command');
  const jobs = new Map<string, JobInfo>();
  try {
    for (const name of QUEUES) {
      const queue = new Queue(name, { connection, prefix: queuePrefix(CHAOS_PREFIX, name) });
      for (const state of STATES) {
        for (const job of await queue.getJobs([state])) {
          if (!job?.id) continue;
          const data = job.data as { requestId?: unknown } | undefined;
          jobs.set(`${name}/${job.id}`, {
            queue: name,
            id: job.id,
            name: job.name,
            requestId: typeof data?.requestId === 'string' ? data.requestId : undefined,
            state,
            attemptsMade: job.attemptsMade,
            failedReason: job.failedReason || undefined,
            times: { added: job.timestamp, started: job.processedOn, finished: job.finishedOn },
          });
        }
      }
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
  return jobs;
}

/** Jobs still to run or running (retries waiting in `delayed` included): the run has not settled. */
export async function pendingJobs(stack: Stack): Promise<JobInfo[]> {
  const jobs = await listJobs(stack.redisSettings);
  // Scheduler jobs (`repeat:…`, the outbox sweep) wait in `delayed` for their next turn by design,
  // and deliveries to an RV3 endpoint the suite added at a dead port retry for a day by design.
  return [...jobs.values()].filter(
    (j) =>
      j.state !== 'completed' &&
      j.state !== 'failed' &&
      !j.id.startsWith('repeat:') &&
      j.queue !== 'notifications',
  );
}

export interface NewRows {
  citas: { id: string; ghlAppointmentId: string | null; locationId: string }[];
  changes: { citaId: string; origin: string; kind: string; version: number }[];
  webhookEvents: {
    webhookId: string | null;
    status: string;
    appointmentId: string | null;
    lastError: string | null;
  }[];
  outbox: { jobName: string; requestId: string | null }[];
  idempotencyKeys: string[];
  /** New citas on a calendar that another location holds (mirrored, or by another cita). */
  onOthersCalendars: number;
}

/** The rows written since `before`. */
export async function newRows(stack: Stack, before: Snapshot): Promise<NewRows> {
  const { sql } = stack.database;
  const citas = (
    await sql<{ id: string; ghl_appointment_id: string | null; location_id: string }[]>`
      select id, ghl_appointment_id, location_id from citas`
  )
    .filter((r) => !before.citaIds.has(r.id))
    .map((r) => ({ id: r.id, ghlAppointmentId: r.ghl_appointment_id, locationId: r.location_id }));
  const changes = await sql<NewRows['changes']>`
    select cita_id as "citaId", origin::text as origin, kind::text as kind, version
    from cita_changes where seq > ${before.lastChangeSeq}`;
  const webhookEvents = await sql<NewRows['webhookEvents']>`
    select webhook_id as "webhookId", status::text as status, last_error as "lastError",
           payload #>> '{appointment,id}' as "appointmentId"
    from webhook_events where id > ${before.lastWebhookEventId}`;
  const outbox = await sql<NewRows['outbox']>`
    select job_name as "jobName", payload->>'requestId' as "requestId" from outbox where id > ${before.lastOutboxId}`;
  const keys = (await sql<{ key: string }[]>`select key from idempotency_keys`)
    .map((r) => r.key)
    .filter((k) => !before.idempotencyKeys.has(k));
  const ids = citas.map((c) => c.id);
  const [crossed] = await sql<{ n: number }[]>`
    select count(*)::int as n from citas c
    where c.id = any(${ids}::uuid[]) and (
      exists (select 1 from ghl_calendars g where g.id = c.calendar_id and g.location_id <> c.location_id)
      or exists (select 1 from citas o where o.calendar_id = c.calendar_id and o.location_id <> c.location_id))`;
  return {
    citas,
    changes: [...changes],
    webhookEvents: [...webhookEvents],
    outbox: [...outbox],
    idempotencyKeys: keys,
    onOthersCalendars: crossed?.n ?? 0,
  };
}
