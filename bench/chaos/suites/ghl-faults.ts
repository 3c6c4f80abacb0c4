import { createApiKey } from '@ghl-bridge/db';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { jobStats } from '../lib/job-stats.js';
import { tail } from '../lib/processes.js';
import type { Check, SuiteReport } from '../lib/report.js';
import { Stack } from '../lib/stack.js';
import { bookings, postBookings } from '../lib/staff-actions.js';
import { sleep, waitFor } from '../lib/wait.js';

const LOCATIONS = ['loc-chaos-a', 'loc-chaos-b'];

/**
 * Staff bookings across two locations while the GHL sandbox misbehaves: 30% 5xx on every GHL
 * route, 429 storms (a window cut to 5 requests per second, and bare 429s without rate headers),
 * and every access token expired mid-run. Proves each action still reaches GHL exactly once,
 * that 429s delay jobs without spending attempts, and that the sandbox's echo webhooks land on
 * the same citas. Faults run for a bounded window so the suite ends in well under a minute.
 */
export async function ghlFaults(perLocation = 100): Promise<SuiteReport> {
  const started = Date.now();
  const sandbox = await startSandbox({ logLevel: 'error', rateLimit: { max: 1000, intervalMs: 1000 } });
  const stack = new Stack('ghl-faults', {
    webhookPublicKey: sandbox.publicKeys.ed25519,
    env: {
      GHL_API_BASE_URL: sandbox.url,
      GHL_CLIENT_ID: sandbox.clientId,
      GHL_CLIENT_SECRET: sandbox.clientSecret,
      // Our own budget is looser than the storm's limit, so GHL's 429s really come back.
      GHL_RATE_LIMIT_BURST: '40',
      GHL_RATE_LIMIT_INTERVAL_MS: '1000',
    },
  });
  stack.cleanup.add('sandbox', () => sandbox.close());
  try {
    const seeded = await sandbox.admin.seed({
      locations: LOCATIONS.map((id) => ({ id, timezone: 'America/Lima', mintTokens: true })),
      calendars: LOCATIONS.map((locationId) => ({ locationId, name: `Chaos ${locationId}` })),
    });
    await stack.start();
    await stack.startIngress();
    await sandbox.admin.setWebhook({ url: `${stack.ingressUrl}/api/webhooks/ghl/` });
    // One bootstrap location per worker process: both end up with stored, encrypted tokens.
    for (const [i, location] of seeded.locations.entries()) {
      await stack.startWorker(`worker-${i}`, {
        GHL_LOCATION_ID: location.id,
        GHL_ACCESS_TOKEN: location.tokens?.access_token ?? '',
        GHL_REFRESH_TOKEN: location.tokens?.refresh_token ?? '',
      });
    }
    const { secret } = await createApiKey(stack.database.db, { name: 'chaos', locationIds: LOCATIONS });
    const targets = LOCATIONS.map((locationId, i) => ({ locationId, calendarId: seeded.calendars[i] ?? '' }));
    const list = bookings(targets, perLocation, Date.now().toString(36));

    await sandbox.admin.setFaults([
      { route: '*', errorRate: 0.3, status: 503 },
      { route: '*', errorRate: 0.1, status: 429 },
    ]);
    const chaos = (async () => {
      await sleep(1_500);
      await sandbox.admin.setRateLimit({ max: 5, intervalMs: 1000 });
      await sleep(2_000);
      await sandbox.admin.expireTokens();
      await sleep(2_000);
      await sandbox.admin.setRateLimit({ max: 1000, intervalMs: 1000 });
      await sleep(3_000);
      await sandbox.admin.setRateLimit({ max: 5, intervalMs: 1000 });
      await sleep(3_000);
      await sandbox.admin.setRateLimit({ max: 1000, intervalMs: 1000 });
      await sandbox.admin.clearFaults();
    })();
    const posted = await postBookings(stack.ingressUrl, secret, list);
    await chaos;
    const faultCounters = await sandbox.admin.counters();

    const syncedCount = async () =>
      (
        await stack.database.sql<{ n: number }[]>`
          select count(*)::int as n from citas where id = any(${posted.citaIds}) and sync_status = 'synced'`
      )[0]?.n ?? 0;
    await waitFor('every cita synced', async () => (await syncedCount()) === posted.citaIds.length, {
      timeoutMs: 150_000,
      intervalMs: 1_000,
    }).catch(() => undefined);
    // Echo webhooks trail the creates: let them land before counting rows.
    await sandbox.admin.webhooksIdle(20_000);
    await sleep(2_000);

    const synced = await syncedCount();
    const citaRows = await stack.database.sql<{ id: string; ghl_appointment_id: string | null }[]>`
      select id, ghl_appointment_id from citas`;
    const appointments = await sandbox.admin.appointments();
    const perCita = new Map<string, number>();
    for (const a of appointments) perCita.set(a.id, (perCita.get(a.id) ?? 0) + 1);
    const withOne = citaRows.filter((c) => c.ghl_appointment_id && perCita.get(c.ghl_appointment_id) === 1);
    const [events] = await stack.database.sql<{ processed: number; failed: number }[]>`
      select count(*) filter (where status = 'processed')::int as processed,
        count(*) filter (where status = 'failed')::int as failed from webhook_events`;
    const stats = await jobStats(stack.redis.url, '{chaos}', 'citas');
    const failedLines = stack.logs('worker').filter((l) => l.includes('"msg":"job failed"'));
    const failedOn429 = failedLines.filter((l) => /RateLimited|\b429\b/.test(l));
    const refreshes = faultCounters['oauth.refresh'] ?? 0;

    const checks: Check[] = [
      {
        guarantee: 'every staff action accepted (202)',
        ok: posted.rejected.length === 0,
        detail: `${posted.citaIds.length} of ${list.length}${posted.rejected.length ? `; first refusal: ${posted.rejected[0]}` : ''}`,
      },
      {
        guarantee: 'every staff action synced',
        ok: synced === list.length,
        detail: `${synced} of ${list.length} with sync_status = synced`,
      },
      {
        guarantee: 'exactly one GHL appointment per cita, and no stray ones',
        ok: withOne.length === list.length && appointments.length === list.length,
        detail: `${withOne.length} citas with exactly one appointment; sandbox holds ${appointments.length}`,
      },
      {
        guarantee: 'echo webhooks landed on the same citas',
        ok: citaRows.length === list.length && (events?.failed ?? 0) === 0,
        detail: `${citaRows.length} cita rows, ${events?.processed ?? 0} webhooks processed, ${events?.failed ?? 0} failed`,
      },
      {
        guarantee: 'no attempt spent on a 429',
        ok: failedOn429.length === 0 && stats.delaysWithoutAttempt > 0,
        detail: `${stats.delaysWithoutAttempt} rate-limit delays without an attempt; ${failedOn429.length} of ${failedLines.length} failed attempts name a 429`,
      },
      {
        guarantee: 'nothing failed for good',
        ok: stats.failedForGood === 0,
        detail: `${stats.failedForGood} cita.sync jobs in the failed set; max attemptsMade ${stats.maxAttemptsMade}`,
      },
    ];
    if (checks.some((c) => !c.ok)) console.error(tail(stack.logs('worker').join('\n'), 10));
    return {
      name: 'ghl-faults',
      title: 'staff actions through GHL 5xx, 429 storms and token expiry',
      figures: [
        ['sent', list.length],
        ['accepted', posted.citaIds.length],
        ['applied', synced],
        ['duplicates', Math.max(0, appointments.length - withOne.length)],
        ['lost', posted.citaIds.length - synced],
        ['GHL 5xx injected', faultCounters['faults.error'] ?? 0],
        ['GHL 429 (rate window)', faultCounters['rateLimit.rejected'] ?? 0],
        ['token refreshes', refreshes],
        ['failed attempts (retried)', failedLines.length],
      ],
      checks,
      notes: [
        'Faults (30% 503, 10% bare 429) and two 429 storms (5 req/s) run for the first ~12 s; all access tokens are expired ~3.5 s in.',
        'faults.error counts 503s and bare 429s together.',
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stack.close();
  }
}
