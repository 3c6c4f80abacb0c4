/**
 * Token refresh under a storm: 200 concurrent calls across 4 worker processes find the access
 * token expired. ghl-bridge must send GHL exactly one refresh (refresh tokens are single use).
 * Baseline in the same run: what a client without single flight does (the official SDK before
 * 3.1, per shared/ghl-api.md): every caller refreshes with the same refresh token.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:refresh
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadConfig } from '@ghl-bridge/config';
import { createDatabase } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  newRedis,
  sandboxEnv,
} from './lib/bench-env.js';
import { repoRoot } from './lib/child.js';
import { fmt, markdownTable, publish } from './lib/report.js';

const PROCESSES = 4;
const CALLS_PER_PROCESS = 50;
const STORM = 'packages/ghl/test/fixtures/refresh-storm.ts';

const sandbox = await startSandbox({ rateLimit: { max: 1_000_000 } });
const redis = newRedis();
const databaseUrl = await benchDatabase('refresh');
const prefix = benchPrefix();
const database = createDatabase({ url: databaseUrl, poolSize: 2 });
try {
  const seeded = await sandbox.admin.seed({ locations: [{ mintTokens: true }] });
  const location = seeded.locations[0];
  if (!location?.tokens) throw new Error('the sandbox minted no tokens');
  await sandbox.admin.seed({ calendars: [{ locationId: location.id }] });

  // Baseline: every caller refreshes on its own with the one refresh token it knows.
  await sandbox.admin.resetInspection();
  const naiveStarted = performance.now();
  const naive = await Promise.all(
    Array.from({ length: PROCESSES * CALLS_PER_PROCESS }, () =>
      fetch(`${sandbox.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: sandbox.clientId,
          client_secret: sandbox.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: location.tokens?.refresh_token ?? '',
          user_type: 'Location',
        }),
      }).then((r) => r.ok),
    ),
  );
  const naiveMs = performance.now() - naiveStarted;
  const naiveRefreshes = await sandbox.admin.counter('oauth.refresh');

  // ghl-bridge: a fresh pair, stored as an install would, then expired on both sides.
  const fresh = await sandbox.admin.mintTokens({ locationId: location.id });
  await sandbox.admin.expireTokens([fresh.access_token]);
  const env = sandboxEnv(sandbox, databaseUrl, prefix, {
    LOG_LEVEL: 'silent',
    LOCATION_ID: location.id,
    CALLS: String(CALLS_PER_PROCESS),
  });
  // Stored through the GHL package's own store, encrypted as an install would store it.
  const config = loadConfig(env);
  const ghl = createGhl({
    config,
    db: database.db,
    redis,
    log: createLogger({ name: 'bench', level: 'silent' }),
    metrics: createMetrics().ghl,
  });
  await ghl.store.save({
    resourceId: location.id,
    userType: 'Location',
    accessToken: fresh.access_token,
    refreshToken: fresh.refresh_token,
    expiresAt: new Date(Date.now() - 60_000),
  });
  await sandbox.admin.resetInspection();

  const workers: ChildProcessWithoutNullStreams[] = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, ['--import', 'tsx', STORM], { cwd: repoRoot, env: { ...process.env, ...env } }),
  );
  const lines = workers.map((w) => createInterface({ input: w.stdout })[Symbol.asyncIterator]());
  for (const output of lines) await output.next(); // "ready"
  const started = performance.now();
  for (const w of workers) w.stdin.write('go\n');
  const results = (await Promise.all(
    lines.map(async (output) => JSON.parse(String((await output.next()).value))),
  )) as Array<{ ok: number }>;
  const ms = performance.now() - started;
  for (const w of workers) w.kill('SIGTERM');
  const refreshes = await sandbox.admin.counter('oauth.refresh');
  const succeeded = results.reduce((sum, r) => sum + r.ok, 0);
  const total = PROCESSES * CALLS_PER_PROCESS;

  await publish({
    name: 'refresh',
    title: 'Token refresh: one per location, however many callers',
    command: 'pnpm --filter @ghl-bridge/bench bench:refresh',
    method: `${total} concurrent GHL calls across ${PROCESSES} worker processes (${CALLS_PER_PROCESS} each, released together) on an access token that is expired on both sides; the sandbox counts the refresh calls it receives. The baseline, in the same run, is a client without single flight: each of the ${total} callers refreshes with the refresh token it holds.`,
    tables: [
      markdownTable(
        ['Client', 'refresh calls to GHL', 'calls that succeeded', 'ms'],
        [
          [
            'every caller refreshes (baseline)',
            naiveRefreshes,
            `${naive.filter(Boolean).length} of ${total} refreshes (the rest were refused: the token was spent)`,
            fmt(naiveMs),
          ],
          [
            'ghl-bridge (single flight: in-process promise + Redis lock)',
            refreshes,
            `${succeeded} of ${total} API calls`,
            fmt(ms),
          ],
        ],
      ),
    ],
    targets: [
      { what: 'exactly 1 refresh', met: refreshes === 1, detail: String(refreshes) },
      { what: 'every call succeeds', met: succeeded === total, detail: `${succeeded} of ${total}` },
    ],
    notes: [`Baseline / ghl-bridge refresh calls: ${fmt(naiveRefreshes / Math.max(1, refreshes))} ×.`],
  });
} finally {
  await database.close();
  await dropBenchDatabase(databaseUrl);
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await sandbox.close();
}
