/**
 * Booking latency: a staff `POST /api/ghl/citas/` until the appointment exists in the GHL sandbox,
 * one booking at a time on an idle system; baseline, in the same run, a direct GHL client
 * `createAppointment` against the same sandbox. Ingress and worker are child processes; the
 * sandbox runs here so its state can be polled without HTTP.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:latency
 */
import { loadConfig } from '@ghl-bridge/config';
import { createApiKey, createDatabase } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  freePort,
  newRedis,
  sandboxEnv,
} from './lib/bench-env.js';
import { httpUp, spawnTs, waitFor } from './lib/child.js';
import { fmt, markdownTable, percentile, publish } from './lib/report.js';

const BOOKINGS = Number(process.env.BENCH_LATENCY_BOOKINGS ?? 100);
const WARMUP = 5;
const LOCATION = 'bench-loc';
const CALENDAR = 'bench-cal';

/** Half-hour slots Mon–Sat 08:00–19:30 America/Lima (UTC−5, no DST) from the day after tomorrow. */
function* slots(): Generator<Date> {
  const day = new Date(Date.now() + 2 * 86_400_000);
  day.setUTCHours(13, 0, 0, 0); // 08:00 in Lima
  for (;;) {
    if (new Date(day.getTime() - 5 * 3600_000).getUTCDay() !== 0)
      for (let i = 0; i < 24; i++) yield new Date(day.getTime() + i * 30 * 60_000);
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

// The GHL budget (90 calls per 10 s per location) would pace ~2 calls per booking after ~45
// bookings; this bench measures latency, not pacing, so both sides get a budget it never reaches.
const sandbox = await startSandbox({ logLevel: 'warn', rateLimit: { max: 1_000_000, daily: 10_000_000 } });
await sandbox.admin.seed({
  locations: [{ id: LOCATION, timezone: 'America/Lima' }],
  calendars: [{ id: CALENDAR, locationId: LOCATION, name: 'Bench' }],
});
const tokens = await sandbox.admin.mintTokens({ locationId: LOCATION });
const titled = (title: string) => {
  for (const a of sandbox.state.store.appointments.values()) if (a.title === title) return true;
  return false;
};

const redis = newRedis();
const prefix = benchPrefix();
const databaseUrl = await benchDatabase('latency');
const database = createDatabase({ url: databaseUrl, poolSize: 2 });
const env = sandboxEnv(sandbox, databaseUrl, prefix, {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  WORKER_METRICS_PORT: '0',
});
const staff: number[] = [];
const accepted: number[] = [];
const direct: number[] = [];
const slot = slots();
try {
  const { secret } = await createApiKey(database.db, { name: 'bench', locationIds: [LOCATION] });
  const port = await freePort();
  const ingress = spawnTs('ingress', 'services/ingress/src/main.ts', { ...env, PORT: String(port) });
  const worker = spawnTs('worker', 'services/worker/src/main.ts', {
    ...env,
    GHL_ACCESS_TOKEN: tokens.access_token,
    GHL_REFRESH_TOKEN: tokens.refresh_token,
    GHL_LOCATION_ID: LOCATION,
  });
  try {
    await waitFor('ingress', () => httpUp(`http://127.0.0.1:${port}/`), 30_000);
    for (let i = 0; i < WARMUP + BOOKINGS; i++) {
      const title = `Bench patient ${i}`;
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/api/ghl/citas/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          location_id: LOCATION,
          calendar_id: CALENDAR,
          patient: { name: title, email: `patient${i}@example.com` },
          start: (slot.next().value as Date).toISOString(),
        }),
      });
      if (response.status !== 202)
        throw new Error(`booking ${i}: ${response.status} ${await response.text()}`);
      const answered = performance.now();
      // The first booking also waits for the worker to boot, hence the long bound.
      await waitFor(`appointment ${i} in the sandbox`, () => titled(title), 60_000, 1);
      if (i >= WARMUP) {
        accepted.push(answered - started);
        staff.push(performance.now() - started);
      }
    }
  } finally {
    await Promise.all([ingress.stop(), worker.stop()]);
  }

  // Baseline: the same client the worker uses, on the tokens the worker stored, one call each.
  const config = loadConfig({ ...env, DATABASE_URL: databaseUrl });
  const log = createLogger({ name: 'bench', level: 'warn' });
  const ghl = createGhl({ config, db: database.db, redis, log, metrics: createMetrics().ghl });
  const { contact } = await ghl.client.upsertContact({ locationId: LOCATION, email: 'direct@example.com' });
  for (let i = 0; i < WARMUP + BOOKINGS; i++) {
    const startAt = slot.next().value as Date;
    const started = performance.now();
    await ghl.client.createAppointment({
      calendarId: CALENDAR,
      locationId: LOCATION,
      contactId: contact.id,
      startTime: startAt.toISOString(),
      endTime: new Date(startAt.getTime() + 30 * 60_000).toISOString(),
      title: `Direct ${i}`,
      ignoreFreeSlotValidation: true,
    });
    if (i >= WARMUP) direct.push(performance.now() - started);
  }
} finally {
  await database.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await sandbox.close();
  await dropBenchDatabase(databaseUrl);
}

const row = (name: string, values: number[]) => [
  name,
  fmt(percentile(values, 50), 1),
  fmt(percentile(values, 99), 1),
  fmt(Math.max(...values), 1),
];
const p50 = percentile(staff, 50);
await publish({
  name: 'latency',
  title: 'Latency: staff booking until the appointment is in GHL',
  command: 'pnpm --filter @ghl-bridge/bench bench:latency',
  method: [
    `${BOOKINGS} sequential bookings (after ${WARMUP} warm-up ones) on an otherwise idle system: ingress and`,
    'worker as child processes (LOG_LEVEL=warn), the GHL sandbox in the bench process, polled every ~1 ms for',
    "an appointment with the booking's title. The worker's cita.sync makes two GHL calls (contact upsert, then",
    'create appointment). Baseline: one `createAppointment` through the same GHL client (packages/ghl), same',
    'sandbox, same tokens. GHL rate budgets are raised so pacing never kicks in.',
  ].join(' '),
  tables: [
    markdownTable(
      ['Path', 'p50 ms', 'p99 ms', 'max ms'],
      [
        row('staff POST → appointment in GHL (ghl-bridge)', staff),
        row('  of which: POST answered 202', accepted),
        row('direct createAppointment (baseline)', direct),
      ],
    ),
    `ghl-bridge p50 / baseline p50: **${fmt(p50 / percentile(direct, 50), 1)} ×**`,
  ],
  targets: [{ what: 'p50 < 100 ms', met: p50 < 100, detail: `${fmt(p50, 1)} ms` }],
});
