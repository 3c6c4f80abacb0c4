import { createApiKey } from '@ghl-bridge/db';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { jobStats } from '../lib/job-stats.js';
import { tail, warnings } from '../lib/processes.js';
import type { Check, SuiteReport } from '../lib/report.js';
import { CHAOS_PREFIX, Stack } from '../lib/stack.js';
import { bookings, postBookings } from '../lib/staff-actions.js';
import { sleep, waitFor } from '../lib/wait.js';

const LOCATIONS = ['loc-chaos-a', 'loc-chaos-b'];

/**
 * Staff bookings across two locations while the GHL sandbox misbehaves: 30% 5xx on every GHL
 * route, 429 storms (another client spending each location's GHL window, and bare 429s without
 * rate headers), and every access token expired mid-run. Proves each action still reaches GHL exactly once,
 * that 429s delay jobs without spending attempts, and that the sandbox's echo webhooks land on
 * the same citas. Faults run for a bounded window so the suite ends in well under a minute.
 */
export async function ghlFaults(perLocation = 100): Promise<SuiteReport> {
  const started = Date.now();
  const sandbox = await startSandbox({ logLevel: 'error', rateLimit: { max: 50, intervalMs: 1000 } });
  const stack = new Stack('ghl-faults', {
    webhookPublicKey: sandbox.publicKeys.ed25519,
    env: {
      GHL_API_BASE_URL: sandbox.url,
      GHL_CLIENT_ID: sandbox.clientId,
      GHL_CLIENT_SECRET: sandbox.clientSecret,
      // GHL's 100 per 10 s and our 90 scaled to 50 and 40 per second, so the suite stays short.
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
    // Staff bookings check their calendar against the location's calendars, as discovery last
    // read them: a clinic picks its calendars through discovery before it books, so does this.
    for (const { locationId } of targets) {
      const listed = await fetch(`${stack.ingressUrl}/api/ghl/calendars/?location_id=${locationId}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      if (!listed.ok) throw new Error(`calendar discovery for ${locationId} answered ${listed.status}`);
    }

    await sandbox.admin.setFaults([
      { route: '*', errorRate: 0.3, status: 503 },
      { route: '*', errorRate: 0.1, status: 429 },
      // The first token refresh meets a 429 every run, so that path is always exercised.
      { route: 'POST /oauth/token', errorRate: 1, status: 429, times: 1 },
    ]);
    const chaos = (async () => {
      await sleep(1_000);
      await Promise.all(LOCATIONS.map((id) => storm(sandbox, id, 3_000)));
      await sandbox.admin.expireTokens();
      await sleep(2_000);
      await Promise.all(LOCATIONS.map((id) => storm(sandbox, id, 3_000)));
      await sleep(1_000);
      await sandbox.admin.clearFaults();
    })();
    const posted = await postBookings(stack.ingressUrl, secret, list);
    await chaos;
    const faultCounters = await sandbox.admin.counters();
    const faultsEnded = Date.now();

    const syncedCount = async () =>
      (
        await stack.database.sql<{ n: number }[]>`
          select count(*)::int as n from citas where id = any(${posted.citaIds}) and sync_status = 'synced'`
      )[0]?.n ?? 0;
    await waitFor('every cita synced', async () => (await syncedCount()) === posted.citaIds.length, {
      timeoutMs: 150_000,
      intervalMs: 1_000,
    }).catch(() => undefined);
    const settleSeconds = (Date.now() - faultsEnded) / 1000;
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
    const stats = await jobStats(stack.redisSettings, CHAOS_PREFIX, 'citas');
    const failedLines = stack.logs('worker').filter((l) => l.includes('"msg":"job failed"'));
    const failedOn429 = failedLines.filter((l) => /RateLimited|\b429\b/.test(l));
    const oauth429 = failedOn429.filter((l) => l.includes('/oauth/token: 429'));
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
        guarantee: 'no attempt spent on a 429 from the GHL API',
        ok: failedOn429.length - oauth429.length === 0 && stats.delaysWithoutAttempt > 0,
        detail: `${stats.delaysWithoutAttempt} rate-limit delays without an attempt; ${failedOn429.length - oauth429.length} of ${failedLines.length} failed attempts name an API 429`,
      },
      {
        guarantee: 'no attempt spent on a 429 from /oauth/token',
        ok: oauth429.length === 0,
        detail: `${oauth429.length} failed attempts were a token refresh answered 429 (GhlTransientError, packages/ghl/src/oauth-api.ts)`,
      },
      {
        guarantee: 'nothing failed for good',
        ok: stats.failedForGood === 0,
        detail: `${stats.failedForGood} cita.sync jobs in the failed set; max attemptsMade ${stats.maxAttemptsMade}`,
      },
    ];
    if (checks.some((c) => !c.ok)) console.error(tail(warnings(stack.logs('worker')).join('\n'), 10));
    return {
      name: 'ghl-faults',
      title: 'staff actions through GHL 5xx, 429 storms and token expiry',
      figures: [
        ['sent', list.length],
        ['accepted', posted.citaIds.length],
        ['applied', synced],
        ['duplicates', Math.max(0, appointments.length - withOne.length)],
        ['lost', posted.citaIds.length - synced],
        ['GHL faults injected (503 + bare 429)', faultCounters['faults.error'] ?? 0],
        ['GHL window 429s (storm client included)', faultCounters['rateLimit.rejected'] ?? 0],
        ['token refreshes', refreshes],
        ['failed attempts (retried)', failedLines.length],
        ['s from faults cleared to all synced', settleSeconds.toFixed(1)],
      ],
      checks,
      notes: [
        "Faults (30% 503 and 10% bare 429 on every GHL route, /oauth/token included) run for the first ~10 s, with two 3 s storms in which another client drains each location's GHL window; all access tokens are expired ~4 s in.",
        "Fault and window-429 counts include the storm client's own requests.",
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stack.close();
  }
}

/**
 * Another client of the same app spends the location's GHL window (GHL counts per app and
 * location), so ghl-bridge's calls meet real 429s with GHL's rate headers, as in production.
 */
async function storm(sandbox: RunningSandbox, locationId: string, ms: number): Promise<void> {
  const { access_token: token } = await sandbox.admin.mintTokens({ locationId });
  const until = Date.now() + ms;
  const lane = async () => {
    while (Date.now() < until) {
      const response = await fetch(`${sandbox.url}/calendars/?locationId=${locationId}`, {
        headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
      });
      await response.arrayBuffer();
      if (response.status === 429) await sleep(20);
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
}
