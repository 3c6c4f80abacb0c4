import type { Check } from '../report.js';
import type { JobInfo, NewRows, Snapshot } from './effects.js';
import type { Outcome } from './runner.js';

/** Answers a ghl-reads job may stand behind: the request passed its checks and GHL was asked. */
const AFTER_ASKING_GHL = new Set([
  'not_found',
  'ghl_not_connected',
  'ghl_refused',
  'unknown_calendar',
  'invalid_code',
  'code_already_used',
]);

const isAccepted = (o: Outcome) => (o.response?.status ?? 0) >= 200 && (o.response?.status ?? 0) < 300;
const errorOf = (o: Outcome) => (typeof o.json?.error === 'string' ? o.json.error : '');

/**
 * Traces every job, row and key written during the run back to the request that caused it:
 * each must come from a request that was accepted (or, for GHL reads, one that passed its
 * checks before GHL answered no), and every accepted webhook must have been stored once.
 */
export function accountFor(
  outcomes: Outcome[],
  before: Snapshot,
  afterJobs: Map<string, JobInfo>,
  rows: NewRows,
): {
  checks: Check[];
  figures: [string, number][];
} {
  const byRequestId = new Map(outcomes.map((o) => [o.requestId, o]));
  const newJobs = [...afterJobs.values()].filter((j) => !before.jobs.has(`${j.queue}/${j.id}`));
  const webhookRoute = (o: Outcome) => o.request.route.startsWith('POST /api/webhooks/ghl');
  const staffWrite = (o: Outcome) => /^(POST|PUT) \/api\/ghl\/citas/.test(o.request.route);
  // Routes as Fastify registered them; some carry the trailing slash the README spells them with.
  const isRoute = (o: Outcome, route: string) => o.request.route.replace(/\/$/, '') === route;

  // Jobs from requests that were refused before they could ask for anything.
  const strayJobs = newJobs.filter((job) => {
    const outcome = job.requestId ? byRequestId.get(job.requestId) : undefined;
    if (!outcome) return false;
    if (isAccepted(outcome)) return job.queue === 'webhooks' && !webhookRoute(outcome);
    if (job.queue !== 'ghl-reads') return true;
    // A HEAD answer has no body to name its error: its status has to do.
    const afterGhl =
      outcome.request.method === 'HEAD'
        ? [400, 404, 409, 422].includes(outcome.response?.status ?? 0)
        : AFTER_ASKING_GHL.has(errorOf(outcome));
    return !afterGhl;
  });
  const replayJobs = newJobs.filter((j) => j.queue === 'webhooks' && j.id.startsWith('replay-'));
  // Deliveries to RV3 come from cita changes, which are traced below, not from one request.
  const unknownJobs = newJobs.filter(
    (j) =>
      !(j.requestId && byRequestId.has(j.requestId)) &&
      !j.id.startsWith('replay-') &&
      j.queue !== 'citas' &&
      j.queue !== 'notifications',
  );

  const acceptedWebhooks = outcomes.filter((o) => webhookRoute(o) && isAccepted(o));
  const storedIds = new Set(acceptedWebhooks.map((o) => String(o.json?.jobId ?? '')));
  const webhookJobs = new Set(
    newJobs.filter((j) => j.queue === 'webhooks' && !j.id.startsWith('replay-')).map((j) => j.id),
  );
  const notStored = [...storedIds].filter((id) => !webhookJobs.has(id));
  const unasked = [...webhookJobs].filter((id) => !storedIds.has(id));
  const replayed = outcomes
    .filter((o) => isRoute(o, 'POST /admin/webhooks/replay') && isAccepted(o))
    .reduce((sum, o) => sum + Number(o.json?.replayed ?? 0), 0);

  const staffCreated = new Set(
    outcomes
      .filter((o) => isRoute(o, 'POST /api/ghl/citas') && isAccepted(o))
      .map((o) => String(o.json?.id ?? '')),
  );
  const staffTouched = new Set(
    outcomes.filter((o) => staffWrite(o) && isAccepted(o)).map((o) => String(o.json?.id ?? '')),
  );
  const webhookAppointments = new Set(rows.webhookEvents.map((e) => e.appointmentId).filter(Boolean));
  const webhookCitas = new Set(
    rows.citas
      .filter((c) => c.ghlAppointmentId && webhookAppointments.has(c.ghlAppointmentId))
      .map((c) => c.id),
  );
  const unexplainedCitas = rows.citas.filter((c) => !staffCreated.has(c.id) && !webhookCitas.has(c.id));
  const missingCitas = [...staffCreated].filter((id) => !rows.citas.some((c) => c.id === id));
  const unexplainedChanges = rows.changes.filter(
    (c) => !staffTouched.has(c.citaId) && !webhookCitas.has(c.citaId),
  );
  // Each staff change is one version of its cita, and the answer that made it shows that version.
  const answered = new Set(
    outcomes
      .filter((o) => staffWrite(o) && isAccepted(o))
      .map((o) => `${String(o.json?.id)}@${String(o.json?.version)}`),
  );
  const staffChanges = rows.changes.filter((c) => c.origin === 'rv3');
  const unanswered = staffChanges.filter((c) => !answered.has(`${c.citaId}@${c.version}`));

  const keysSent = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    for (const [name, value] of o.request.headers) {
      if (name.toLowerCase() !== 'idempotency-key') continue;
      const key = value.toString();
      keysSent.set(key, [...(keysSent.get(key) ?? []), o]);
    }
  }
  const strayKeys = rows.idempotencyKeys.filter(
    (key) => !(keysSent.get(key) ?? []).some((o) => [202, 409, 422].includes(o.response?.status ?? 0)),
  );
  const strayOutbox = rows.outbox.filter((r) => {
    const o = r.requestId ? byRequestId.get(r.requestId) : undefined;
    return !o || !isAccepted(o);
  });

  const describe = (job: JobInfo) => {
    const o = job.requestId ? byRequestId.get(job.requestId) : undefined;
    return `${job.queue}/${job.name} from #${o?.index} ${o?.request.route} [${o?.request.variant}] answered ${o?.response?.status} ${errorOf(o ?? ({} as Outcome))}`;
  };
  const checks: Check[] = [
    {
      guarantee: 'nothing enqueued from a refused request',
      ok: strayJobs.length === 0 && unknownJobs.length === 0,
      detail: `${newJobs.length} new jobs; ${strayJobs.length} from refused requests${strayJobs[0] ? ` (first: ${describe(strayJobs[0])})` : ''}; ${unknownJobs.length} from no request of the run${unknownJobs[0] ? ` (first: ${unknownJobs[0].queue}/${unknownJobs[0].id})` : ''}`,
    },
    {
      guarantee: 'every accepted webhook stored once, nothing else',
      ok:
        notStored.length === 0 &&
        unasked.length === 0 &&
        rows.webhookEvents.length === storedIds.size &&
        // A replay retries the failed job itself; only one whose job is gone is enqueued anew.
        replayJobs.length <= replayed,
      detail: `${storedIds.size} accepted (${acceptedWebhooks.length} answers), ${webhookJobs.size} webhook jobs, ${rows.webhookEvents.length} webhook_events rows; ${replayJobs.length} replay jobs for ${replayed} replayed${notStored[0] ? `; not stored: ${notStored[0]}` : ''}${unasked[0] ? `; job no answer accepted: ${unasked[0]}` : ''}`,
    },
    {
      guarantee: "citas only from accepted bookings and webhooks, each on its location's calendar",
      ok: unexplainedCitas.length === 0 && missingCitas.length === 0 && rows.onOthersCalendars === 0,
      detail: `${rows.citas.length} new citas = ${staffCreated.size} booked (202) + ${webhookCitas.size} from webhooks; unexplained ${unexplainedCitas.length}, missing ${missingCitas.length}, on another location's calendar ${rows.onOthersCalendars}`,
    },
    {
      guarantee: 'cita changes only from accepted writes',
      ok: unexplainedChanges.length === 0 && unanswered.length === 0,
      detail: `${rows.changes.length} new changes (${staffChanges.length} by staff: ${unanswered.length} not the version an accepted answer showed); ${unexplainedChanges.length} on citas no accepted request touched`,
    },
    {
      guarantee: 'outbox and idempotency keys only from accepted writes',
      ok: strayOutbox.length === 0 && strayKeys.length === 0,
      detail: `${rows.outbox.length} outbox rows left (${strayOutbox.length} stray), ${rows.idempotencyKeys.length} new idempotency keys (${strayKeys.length} stray)`,
    },
  ];
  return {
    checks,
    figures: [
      ['webhooks stored', storedIds.size],
      ['citas booked', staffCreated.size],
      ['citas from webhooks', webhookCitas.size],
      ['new jobs', newJobs.length],
    ],
  };
}
