/**
 * Outbound webhooks to RV3: a change made on the GHL side (the sandbox's UI routes: GHL signs and
 * sends its webhook to ingress, the worker applies it, the change is fanned out and delivered)
 * until the signed delivery reaches a local receiver. Latency one change at a time on an idle
 * system; then deliveries/s under load (many GHL-side changes at once), and the delivery stage
 * alone (a replay of those changes). Baseline in the same run: a bare HTTP POST loop (got, as the
 * worker uses) to the same receiver with the same body, one request at a time and, for
 * reference, as many at a time as the worker runs. Ingress, worker and receiver are child
 * processes; the GHL sandbox runs here.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:notifications
 */
import { createDatabase } from '@ghl-bridge/db';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import got from 'got';
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
import { type Arrival, arrivalsOf, now, postLoop } from './lib/post-loop.js';
import { fmt, markdownTable, percentile, publish } from './lib/report.js';

const UNLOADED = Number(process.env.BENCH_NOTIFY_CHANGES ?? 100);
const WARMUP = 5;
const LOAD = Number(process.env.BENCH_NOTIFY_LOAD ?? 2000);
// Sandbox UI calls in flight while loading: GHL users and automations acting at once.
const LOAD_CONCURRENCY = 16;
const LOOP_SECONDS = Number(process.env.BENCH_NOTIFY_LOOP_SECONDS ?? 5);
// The worker's default NOTIFICATION_CONCURRENCY: deliveries it sends at once.
const WORKER_CONCURRENCY = 100;
const LOCATION = 'bench-notify-loc';
const CALENDAR = 'bench-notify-cal';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** Half-hour slots from the day after tomorrow, never overlapping (an overlap adds conflict changes). */
let slotIndex = 0;
function nextSlot(): { startTime: string; endTime: string } {
  const start = Math.floor(Date.now() / 86_400_000 + 2) * 86_400_000 + slotIndex++ * 1_800_000;
  return { startTime: new Date(start).toISOString(), endTime: new Date(start + 1_800_000).toISOString() };
}

const sandbox = await startSandbox({ logLevel: 'warn', rateLimit: { max: 1_000_000, daily: 10_000_000 } });
const seeded = await sandbox.admin.seed({
  locations: [{ id: LOCATION, timezone: 'America/Lima' }],
  calendars: [{ id: CALENDAR, locationId: LOCATION, name: 'Bench' }],
  users: [{ locationId: LOCATION, name: 'Dra. Bench' }],
  contacts: [{ locationId: LOCATION, firstName: 'Paciente', email: 'bench@example.com' }],
});
const tokens = await sandbox.admin.mintTokens({ locationId: LOCATION });
const appointment = () => ({
  calendarId: CALENDAR,
  contactId: seeded.contacts[0] ?? '',
  assignedUserId: seeded.users[0] ?? '',
  title: 'Bench',
  ...nextSlot(),
});

const redis = newRedis();
const prefix = benchPrefix();
const databaseUrl = await benchDatabase('notifications');
const database = createDatabase({ url: databaseUrl, poolSize: 2 });
const env = sandboxEnv(sandbox, databaseUrl, prefix, {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  WORKER_METRICS_PORT: '0',
  GHL_WEBHOOK_PUBLIC_KEY: sandbox.publicKeys.ed25519,
  ADMIN_TOKEN,
});
const receiverPort = await freePort();
const receiverUrl = `http://127.0.0.1:${receiverPort}`;

const { arrived, poll } = arrivalsOf(receiverUrl);

const unloaded: number[] = [];
const load = { deliveries: 0, seconds: 0, firstToLast: 0, writtenSeconds: 0, delayP50: 0, delayP99: 0 };
// Replays and bare loops alternate, ROUNDS times, so both meet the same moments of a machine
// shared with other work; each round's ratio is taken, and the median reported.
const ROUNDS = 3;
const rounds: Array<{ replayRate: number; loopRate: number }> = [];
const replay = { deliveries: 0 };
const loop = { sequential: 0, concurrent: 0 };
let body = '';
try {
  const port = await freePort();
  const ingressUrl = `http://127.0.0.1:${port}`;
  const receiver = spawnTs('receiver', 'bench/lib/notification-receiver.ts', { PORT: String(receiverPort) });
  const ingress = spawnTs('ingress', 'services/ingress/src/main.ts', { ...env, PORT: String(port) });
  const worker = spawnTs('worker', 'services/worker/src/main.ts', {
    ...env,
    GHL_ACCESS_TOKEN: tokens.access_token,
    GHL_REFRESH_TOKEN: tokens.refresh_token,
    GHL_LOCATION_ID: LOCATION,
  });
  try {
    await waitFor('ingress', () => httpUp(`${ingressUrl}/healthz`), 30_000);
    await waitFor('receiver', () => httpUp(`${receiverUrl}/arrivals`), 30_000);
    // GHL retired the legacy RSA signature on 2026-09-01; only Ed25519 is sent, as GHL does now.
    await sandbox.admin.setWebhook({ url: `${ingressUrl}/api/webhooks/ghl/`, legacyRsaSignature: false });
    const admin = (path: string, payload: object) =>
      got.post(`${ingressUrl}/admin/endpoints${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        json: payload,
      });
    const created = (await admin('', {
      url: `${receiverUrl}/rv3/webhooks`,
      locations: [LOCATION],
    }).json()) as {
      endpoint: { id: string };
    };

    // Unloaded: one GHL-side booking at a time, until its cita.created delivery arrives.
    for (let i = 0; i < WARMUP + UNLOADED; i++) {
      const started = now();
      const made = await sandbox.admin.uiCreateAppointment(appointment());
      let delivery: Arrival | undefined;
      // The first change also waits for the worker to boot, hence the long bound.
      await waitFor(
        `delivery ${i}`,
        async () => {
          await poll();
          delivery = arrived.find((a) => a.ghlId === made.id && a.kind === 'cita.created');
          return delivery !== undefined;
        },
        60_000,
        1,
      );
      if (i >= WARMUP && delivery) unloaded.push(delivery.at - started);
    }

    // Under load: LOAD GHL-side bookings as fast as the sandbox takes them, all delivered.
    const before = arrived.length;
    const loadStarted = now();
    const loadSince = new Date().toISOString();
    let issued = 0;
    await Promise.all(
      Array.from({ length: LOAD_CONCURRENCY }, async () => {
        while (issued < LOAD) {
          issued++;
          await sandbox.admin.uiCreateAppointment(appointment());
        }
      }),
    );
    const loadChanges = async () =>
      Number(
        (
          await database.sql<{ n: string }[]>`
            select count(*) as n from cita_changes where at >= ${loadSince}::timestamptz`
        )[0]?.n,
      );
    await waitFor(
      'every load delivery',
      async () => {
        await poll();
        const events = await database.sql<{ n: string }[]>`
          select count(*) as n from webhook_events where status <> 'processed'`;
        return (
          Number(events[0]?.n) === 0 &&
          arrived.length - before >= LOAD &&
          arrived.length - before >= (await loadChanges())
        );
      },
      300_000,
      20,
    );
    const loadArrivals = arrived.slice(before);
    load.deliveries = loadArrivals.length;
    load.seconds = (Math.max(...loadArrivals.map((a) => a.at)) - loadStarted) / 1000;
    load.firstToLast =
      (Math.max(...loadArrivals.map((a) => a.at)) - Math.min(...loadArrivals.map((a) => a.at))) / 1000;
    // When each change was written (the GHL side's part done), against when it arrived.
    const written = await database.sql<{ position: string; at_ms: number }[]>`
      select position, extract(epoch from at) * 1000 as at_ms from cita_changes where at >= ${loadSince}::timestamptz`;
    const writtenAt = new Map(written.map((w) => [`chg_${w.position}`, Number(w.at_ms)]));
    load.writtenSeconds = (Math.max(...writtenAt.values()) - loadStarted) / 1000;
    const delays = loadArrivals.map((a) => a.at - (writtenAt.get(a.id) ?? a.at));
    load.delayP50 = percentile(delays, 50);
    load.delayP99 = percentile(delays, 99);

    // Baseline body: the size of a real delivery, no signature, no queue.
    const sample = await database.sql<{ cita: unknown; kind: string; position: string }[]>`
      select cita, kind, position from cita_changes order by seq desc limit 1`;
    body = JSON.stringify({ type: sample[0]?.kind, timestamp: new Date().toISOString(), data: sample[0] });
    for (let round = 0; round < ROUNDS; round++) {
      // The delivery stage alone: those changes replayed, from the admin call to the last arrival.
      await poll(); // the previous round's bare POSTs are arrivals too: skip past them
      const replayBefore = arrived.length;
      const replayStarted = now();
      const ours = () => arrived.slice(replayBefore).filter((a) => a.id.startsWith('chg_'));
      const replayed = (await admin(`/${created.endpoint.id}/replay`, { since: loadSince }).json()) as {
        replayed: number;
      };
      await waitFor(
        'every replayed delivery',
        async () => {
          await poll();
          return ours().length >= replayed.replayed;
        },
        300_000,
        20,
      );
      replay.deliveries = replayed.replayed;
      const seconds = (Math.max(...ours().map((a) => a.at)) - replayStarted) / 1000;
      const loopRate = await postLoop(`${receiverUrl}/rv3/webhooks`, body, 1, LOOP_SECONDS);
      rounds.push({ replayRate: replayed.replayed / seconds, loopRate });
    }
    loop.sequential = median(rounds.map((r) => r.loopRate));
    loop.concurrent = await postLoop(`${receiverUrl}/rv3/webhooks`, body, WORKER_CONCURRENCY, LOOP_SECONDS);
  } finally {
    await Promise.all([ingress.stop(), worker.stop(), receiver.stop()]);
  }
} finally {
  await database.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await sandbox.close();
  await dropBenchDatabase(databaseUrl);
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const loadRate = load.deliveries / load.seconds;
const replayRate = median(rounds.map((r) => r.replayRate));
const replayRatio = median(rounds.map((r) => r.replayRate / r.loopRate));
const p50 = percentile(unloaded, 50);
const ratio = loadRate / loop.sequential;
await publish({
  name: 'notifications',
  title: "Outbound webhooks: a GHL-side change until RV3's receiver has it",
  command: 'pnpm --filter @ghl-bridge/bench bench:notifications',
  method: [
    `Each change is an appointment booked through the GHL sandbox's UI route (in this process): the sandbox`,
    'signs and sends AppointmentCreate to ingress, the worker applies it (the cita module appends the change),',
    "the worker's dispatcher wakes on the change's NOTIFY, fans it out and queues its delivery, and the worker",
    'signs it (Standard Webhooks) and POSTs it to a receiver process that answers 204 and notes the arrival.',
    `Unloaded: ${UNLOADED} bookings one at a time (after ${WARMUP} warm-up ones), from the UI call to the`,
    `cita.created delivery's arrival. Under load: ${LOAD} bookings issued ${LOAD_CONCURRENCY} at a time, from`,
    'the first call to the last arrival. Delivery stage alone: the same changes replayed (admin route), from the',
    `call to the last arrival; ${ROUNDS} rounds, each followed by the baseline: got POSTing a body of the same size`,
    `to the same receiver for ${LOOP_SECONDS} s, one request after another (a bare loop); each round's ratio is`,
    `taken and the median reported. For reference, the loop ${WORKER_CONCURRENCY} at a time (the worker's concurrency).`,
    'Ingress, worker and receiver are child processes (LOG_LEVEL=warn); GHL rate budgets are raised.',
  ].join(' '),
  tables: [
    markdownTable(
      ['Unloaded latency', 'p50 ms', 'p99 ms', 'max ms'],
      [
        [
          'GHL UI booking → delivery at the receiver',
          fmt(p50, 1),
          fmt(percentile(unloaded, 99), 1),
          fmt(Math.max(...unloaded), 1),
        ],
      ],
    ),
    markdownTable(
      ['Throughput', 'deliveries', 'seconds', 'per second', '× bare loop'],
      [
        [
          `${LOAD} GHL-side bookings at once → delivered (ghl-bridge)`,
          load.deliveries,
          fmt(load.seconds, 2),
          fmt(loadRate),
          fmt(ratio, 2),
        ],
        [
          `  the same, replayed: delivery stage alone (median of ${ROUNDS})`,
          replay.deliveries,
          fmt(replay.deliveries / replayRate, 2),
          fmt(replayRate),
          fmt(replayRatio, 2),
        ],
        [
          `bare POST loop, one at a time (baseline, median of ${ROUNDS})`,
          '–',
          LOOP_SECONDS,
          fmt(loop.sequential),
          '1.00',
        ],
        [
          `bare POST loop, ${WORKER_CONCURRENCY} at a time (reference)`,
          '–',
          LOOP_SECONDS,
          fmt(loop.concurrent),
          fmt(loop.concurrent / loop.sequential, 2),
        ],
      ],
    ),
    `Deliveries/s under load / bare loop: **${fmt(ratio, 2)} ×** (against ${WORKER_CONCURRENCY} at a time: ${fmt(loadRate / loop.concurrent, 2)} ×)`,
  ],
  targets: [
    { what: 'p50 < 250 ms unloaded', met: p50 < 250, detail: `${fmt(p50, 1)} ms` },
    {
      what: '≥ 0.5 × the bare POST loop: deliveries/s under load, GHL side included',
      met: ratio >= 0.5,
      detail: `${fmt(ratio, 2)} × (changes were made at ${fmt(LOAD / load.writtenSeconds)}/s)`,
    },
    {
      what: '≥ 0.5 × the bare POST loop: the delivery stage alone (replay)',
      met: replayRatio >= 0.5,
      detail: `${fmt(replayRatio, 2)} × (rounds: ${rounds.map((r) => fmt(r.replayRate / r.loopRate, 2)).join(', ')})`,
    },
  ],
  notes: [
    `Under load the GHL side (sandbox → signed webhook → ingress → worker applies → change written) took ${fmt(load.writtenSeconds, 2)} s for the ${LOAD} bookings (${fmt(LOAD / load.writtenSeconds)}/s), and the last delivery arrived ${fmt(load.seconds - load.writtenSeconds, 2)} s after the last change was written; from a change written to its arrival: p50 ${fmt(load.delayP50, 1)} ms, p99 ${fmt(load.delayP99, 1)} ms. Arrivals spanned ${fmt(load.firstToLast, 2)} s from first to last.`,
    'Under load, deliveries can only be as fast as changes are made: the GHL side (the sandbox in this process signing each webhook, ingress verifying it, the worker applying it) shares the same two cores, so the first row measures the whole pipeline; the replay row measures what the notifications part adds to a bare POST.',
    "A change's `at` is written inside the webhook batch's transaction, which commits later under load: part of the change-to-arrival delay is that commit.",
    'Each booking is one change (the patient is a known contact, and slots never overlap, so no conflict changes).',
  ],
});
