import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { test } from '@ghl-bridge/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  GhlNeedsReauthError,
  GhlPermanentError,
  GhlRateLimitedError,
  GhlTransientError,
  refreshLockKey,
} from '../src/index.js';
import { capturedLogs, ghlFor, sandboxConfig } from './rig.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  // The burst limit is raised: these tests are about tokens, not budgets (budget tests have their own).
  sandbox = await startSandbox({ randomSeed: 7, rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

/** A location in the sandbox whose tokens we hold, as after an install. */
async function installedLocation(rig: ReturnType<typeof ghlFor>, options: { companyToken?: boolean } = {}) {
  const seeded = await sandbox.admin.seed({ locations: [{ mintTokens: true }] });
  const location = seeded.locations[0];
  if (!location?.tokens) throw new Error('sandbox minted no tokens');
  await sandbox.admin.seed({ calendars: [{ locationId: location.id, name: 'Consultorio 1' }] });
  await rig.store.save({
    resourceId: location.id,
    userType: 'Location',
    companyId: options.companyToken ? location.companyId : null,
    accessToken: location.tokens.access_token,
    refreshToken: location.tokens.refresh_token,
    expiresAt: new Date(Date.now() + location.tokens.expires_in * 1000),
  });
  if (options.companyToken) {
    await storeCompanyToken(rig, location.companyId);
  }
  return { ...location, tokens: location.tokens };
}

/** The agency (Company) token of a location's company, stored as an agency install would. */
async function storeCompanyToken(rig: ReturnType<typeof ghlFor>, companyId: string) {
  const company = await sandbox.admin.mintTokens({ companyId });
  await rig.store.save({
    resourceId: companyId,
    userType: 'Company',
    accessToken: company.access_token,
    refreshToken: company.refresh_token,
    expiresAt: new Date(Date.now() + company.expires_in * 1000),
  });
}

/** Expires the token on both sides: GHL rejects it and our store says it is due. */
async function expireEverywhere(rig: ReturnType<typeof ghlFor>, locationId: string, accessToken: string) {
  await sandbox.admin.expireTokens([accessToken]);
  const stored = await rig.store.get(locationId);
  if (!stored) throw new Error('no stored tokens');
  await rig.store.compareAndSet(stored.version, { ...stored, expiresAt: new Date(Date.now() - 1000) });
}

/** Someone outside ghl-bridge uses our refresh token: GHL rotates it away from us. */
async function spendRefreshToken(refreshToken: string) {
  await fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      user_type: 'Location',
    }),
  });
}

function spawnWorker(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const script = fileURLToPath(new URL('./fixtures/refresh-storm.ts', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env } });
}

const lines = (child: ChildProcessWithoutNullStreams) =>
  createInterface({ input: child.stdout })[Symbol.asyncIterator]();

describe('token refresh', () => {
  test('4 processes x 50 concurrent calls on an expired token make exactly one refresh, and every call succeeds', async ({
    config,
    database,
    redis,
  }) => {
    const cfg = sandboxConfig(config, sandbox);
    const rig = ghlFor(cfg, database.db, redis);
    const location = await installedLocation(rig);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    await sandbox.admin.resetInspection();

    const env = {
      DATABASE_URL: cfg.database.url,
      REDIS_URL: cfg.redis.url,
      QUEUE_PREFIX: cfg.redis.queuePrefix,
      GHL_API_BASE_URL: sandbox.url,
      GHL_CLIENT_ID: sandbox.clientId,
      GHL_CLIENT_SECRET: sandbox.clientSecret,
      GHL_RATE_LIMIT_BURST: '1000',
      LOG_LEVEL: 'silent',
      LOCATION_ID: location.id,
      CALLS: '50',
    };
    const workers = Array.from({ length: 4 }, () => spawnWorker(env));
    const outputs = workers.map(lines);
    for (const output of outputs) expect((await output.next()).value).toBe('ready');
    for (const worker of workers) worker.stdin.write('go\n');
    const results = await Promise.all(
      outputs.map(async (output) => JSON.parse(String((await output.next()).value))),
    );

    expect(results).toEqual(Array.from({ length: 4 }, () => ({ ok: 50, errors: [] })));
    expect(await sandbox.admin.counter('oauth.refresh')).toBe(1);
    const stored = await rig.store.get(location.id);
    expect(stored?.refreshToken).not.toBe(location.tokens.refresh_token);
  }, 60_000);

  test('a 401 on a token we thought fresh refreshes once and retries the call', async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const location = await installedLocation(rig);
    await sandbox.admin.expireTokens([location.tokens.access_token]);
    await sandbox.admin.resetInspection();
    const calls = await Promise.all(Array.from({ length: 10 }, () => rig.client.listCalendars(location.id)));
    expect(calls.every((calendars) => calendars.length === 1)).toBe(true);
    expect(await sandbox.admin.counter('oauth.refresh')).toBe(1);
  });

  test('a refresh token GHL rejects marks the install as needing re-authorisation', async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const location = await installedLocation(rig);
    // Someone else (outside ghl-bridge) used our refresh token: GHL has rotated it away.
    await spendRefreshToken(location.tokens.refresh_token);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    const error = await rig.client.listCalendars(location.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhlNeedsReauthError);
    expect(await rig.store.get(location.id)).toMatchObject({ status: 'needs_reauth' });
    await expect(rig.metrics.ghl.needsReauth.get()).resolves.toMatchObject({ values: [{ value: 1 }] });
    // Later calls fail at once without asking GHL again.
    await sandbox.admin.resetInspection();
    await expect(rig.client.listCalendars(location.id)).rejects.toBeInstanceOf(GhlNeedsReauthError);
    expect(await sandbox.admin.counter('oauth.refresh')).toBe(0);
  });

  test('with a company token, a rejected location refresh falls back to minting a location token', async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const location = await installedLocation(rig, { companyToken: true });
    await spendRefreshToken(location.tokens.refresh_token);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    expect(await rig.client.listCalendars(location.id)).toHaveLength(1);
    expect(await rig.store.get(location.id)).toMatchObject({ status: 'active' });
  });

  test('the lock holder killed mid-refresh: the next process takes over after the lock lapses', async ({
    config,
    database,
    redis,
    annotate,
  }) => {
    const cfg = sandboxConfig(config, sandbox, { tokens: { ...config.ghl.tokens, lockTtlMs: 800 } });
    const rig = ghlFor(cfg, database.db, redis);
    const location = await installedLocation(rig);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    // GHL takes 2 s to answer the refresh; the first process dies while it waits.
    await sandbox.admin.setFaults([{ route: 'POST /oauth/token', latencyMs: 2000, times: 1 }]);
    const env = {
      DATABASE_URL: cfg.database.url,
      REDIS_URL: cfg.redis.url,
      QUEUE_PREFIX: cfg.redis.queuePrefix,
      GHL_API_BASE_URL: sandbox.url,
      GHL_CLIENT_ID: sandbox.clientId,
      GHL_CLIENT_SECRET: sandbox.clientSecret,
      GHL_REFRESH_LOCK_TTL_MS: '800',
      LOG_LEVEL: 'silent',
      LOCATION_ID: location.id,
      CALLS: '5',
    };
    const doomed = spawnWorker(env);
    const output = lines(doomed);
    expect((await output.next()).value).toBe('ready');
    doomed.stdin.write('go\n');
    // Wait until it holds the lock (its refresh is then in flight: GHL answers after 2 s).
    const lockKey = refreshLockKey(cfg.redis.queuePrefix, location.id);
    for (let waited = 0; waited < 3000 && !(await redis.get(lockKey)); waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await redis.get(lockKey)).not.toBeNull(); // it dies holding the lock, mid-refresh
    doomed.kill('SIGKILL');

    // Two endings are legitimate, and which one happens depends on whether GHL finished the dead
    // process's refresh: if it did, the rotated pair died with the process, the old refresh token
    // is spent, and the install must be marked for re-authorisation (never a retry loop). If it
    // did not, the next process refreshes with the still-valid token and every caller succeeds.
    const before = await rig.store.get(location.id);
    const outcome = await rig.client.listCalendars(location.id).catch((e: unknown) => e);
    const after = await rig.store.get(location.id);
    if (outcome instanceof GhlNeedsReauthError) {
      await annotate(
        'GHL finished the killed refresh: the rotated pair was lost, install marked needs_reauth',
      );
      expect(after).toMatchObject({ status: 'needs_reauth' });
    } else {
      await annotate(
        'GHL never finished the killed refresh: the next process refreshed and callers succeeded',
      );
      expect(outcome).toHaveLength(1);
      expect(after).toMatchObject({ status: 'active' });
      expect(after?.version).toBeGreaterThan(before?.version ?? 0);
      expect(after?.refreshToken).not.toBe(location.tokens.refresh_token);
    }
    expect(await redis.get(lockKey)).toBeNull();
    await sandbox.admin.clearFaults();
  }, 20_000);

  test('an INSTALL under an agency waits (a transient error) until the company token exists, then mints', async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const companyId = `agency-${Date.now()}`;
    const seeded = await sandbox.admin.seed({ companies: [{ id: companyId }], locations: [{ companyId }] });
    const location = seeded.locations[0];
    if (!location) throw new Error('no location');
    await sandbox.admin.seed({ calendars: [{ locationId: location.id }] });
    await sandbox.admin.install(location.id);
    await expect(rig.tokens.installFromCompany(location.companyId, location.id)).rejects.toBeInstanceOf(
      GhlTransientError,
    );
    await storeCompanyToken(rig, location.companyId);
    expect(await rig.tokens.installFromCompany(location.companyId, location.id)).toBe('minted');
    expect(await rig.tokens.installFromCompany(location.companyId, location.id)).toBe('present');
    expect(await rig.store.get(location.id)).toMatchObject({
      userType: 'Location',
      companyId: location.companyId,
      status: 'active',
    });
    expect(await rig.client.listCalendars(location.id)).toHaveLength(1);
  });

  test("a token missing the endpoint's scope fails for good with GHL's 401, without refreshing", async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const seeded = await sandbox.admin.seed({ locations: [{}] });
    const locationId = seeded.locations[0]?.id ?? '';
    const [calendarId = ''] = (await sandbox.admin.seed({ calendars: [{ locationId }] })).calendars;
    // Installed with calendars.readonly only: the events endpoints need calendars/events.readonly.
    const { code } = await sandbox.admin.marketplaceInstall({
      redirectUri: 'https://bridge.example.com/oauth/callback',
      locationId,
      scope: 'calendars.readonly',
    });
    expect(await rig.installs.installFromCode(code)).toMatchObject({
      resourceId: locationId,
      userType: 'Location',
    });
    expect(await rig.client.listCalendars(locationId)).toHaveLength(1);
    const refreshesBefore = await sandbox.admin.counter('oauth.refresh');
    for (let attempt = 0; attempt < 3; attempt++) {
      const failure = rig.client.listEvents(locationId, { calendarId, startMs: 0, endMs: 1 });
      await expect(failure).rejects.toBeInstanceOf(GhlPermanentError);
      await expect(failure).rejects.toMatchObject({
        status: 401,
        ghlMessage: expect.stringMatching(/scope/),
      });
    }
    expect(await sandbox.admin.counter('oauth.refresh')).toBe(refreshesBefore);
    expect(await rig.store.get(locationId)).toMatchObject({ status: 'active' });
  });

  test('a 429 from /oauth/token is a wait (rate limited), not a failure, and the next try refreshes', async ({
    config,
    database,
    redis,
  }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const location = await installedLocation(rig);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    await sandbox.admin.setFaults([{ route: 'POST /oauth/token', errorRate: 1, status: 429, times: 1 }]);
    await expect(rig.client.listCalendars(location.id)).rejects.toBeInstanceOf(GhlRateLimitedError);
    expect(await rig.store.get(location.id)).toMatchObject({ status: 'active' });
    expect(await rig.client.listCalendars(location.id)).toHaveLength(1);
    await sandbox.admin.clearFaults();
  });

  test('no token appears in any log line the GHL client wrote', async ({ config, database, redis }) => {
    const rig = ghlFor(sandboxConfig(config, sandbox), database.db, redis);
    const location = await installedLocation(rig);
    await expireEverywhere(rig, location.id, location.tokens.access_token);
    await rig.client.listCalendars(location.id);
    const stored = await rig.store.get(location.id);
    const logs = capturedLogs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      location.tokens.access_token,
      location.tokens.refresh_token,
      stored?.accessToken,
      stored?.refreshToken,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
