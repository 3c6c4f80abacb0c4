import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveEnv } from '../src/index.js';

// Integration only in that it reads files: each test writes a workspace of its own in a temp dir.
const made: string[] = [];
function workspace(dotEnv?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'resolve-env-'));
  made.push(root);
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  if (dotEnv !== undefined) writeFileSync(join(root, '.env'), dotEnv);
  return root;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('resolveEnv: .env', () => {
  it('fills what the environment leaves unset, and the environment wins over it', () => {
    const root = workspace('PORT=4000\nLOG_LEVEL=debug\nQUEUE_PREFIX=from-file\n');
    const { env, dotEnvFile, notes } = resolveEnv({ PORT: '5000', QUEUE_PREFIX: '' }, { cwd: root });
    expect(env.PORT).toBe('5000');
    expect(env.LOG_LEVEL).toBe('debug');
    // Set to empty in the environment is still set by the user: .env does not replace it.
    expect(env.QUEUE_PREFIX).toBe('');
    expect(dotEnvFile).toBe(join(root, '.env'));
    expect(notes).toEqual([`read 1 variable(s) from ${join(root, '.env')} (the environment wins over it)`]);
  });

  it('says so when the environment already holds every variable of .env (a service under npm start)', () => {
    const root = workspace('PORT=4000\nLOG_LEVEL=debug\n');
    const { notes } = resolveEnv({ PORT: '4000', LOG_LEVEL: 'debug' }, { cwd: root });
    expect(notes).toEqual([
      `${join(root, '.env')}: its 2 variable(s) are already in the environment (which wins)`,
    ]);
  });

  it('finds .env at the workspace root from a package directory below it', () => {
    const root = workspace('LOG_LEVEL=warn\n');
    const below = join(root, 'services', 'ingress');
    mkdirSync(below, { recursive: true });
    expect(resolveEnv({}, { cwd: below }).env.LOG_LEVEL).toBe('warn');
  });

  it('takes only the variables with a given prefix when asked (the sandbox shares PORT with ingress)', () => {
    const root = workspace('PORT=3000\nGHL_SANDBOX_STATE_FILE=/tmp/state.json\n');
    const { env } = resolveEnv({}, { cwd: root, dotEnvPrefix: 'GHL_SANDBOX_' });
    expect(env).toEqual({ GHL_SANDBOX_STATE_FILE: '/tmp/state.json' });
  });

  it('reads nothing when there is no .env, and no .env at all under NODE_ENV=test', () => {
    expect(resolveEnv({ A: '1' }, { cwd: workspace() })).toEqual({
      env: { A: '1' },
      dotEnvFile: undefined,
      sandbox: undefined,
      notes: [],
    });
    const root = workspace('LOG_LEVEL=debug\n');
    expect(resolveEnv({ NODE_ENV: 'test' }, { cwd: root }).env).toEqual({ NODE_ENV: 'test' });
  });
});

describe('resolveEnv: sandbox mode', () => {
  const user = {
    DATABASE_URL: 'postgres://me:s3cret@db.local:5433/clinic',
    QUEUE_PREFIX: 'alice',
  };

  it('derives its database and queue prefix from the user’s, and says so without the password', () => {
    const resolved = resolveEnv(user, { cwd: workspace(), sandbox: true });
    expect(resolved.sandbox).toEqual({
      databaseUrl: 'postgres://me:s3cret@db.local:5433/clinic_sandbox',
      queuePrefix: 'alice-sandbox',
      locationId: 'location-1',
    });
    expect(resolved.env).toMatchObject({
      DATABASE_URL: 'postgres://me:s3cret@db.local:5433/clinic_sandbox',
      QUEUE_PREFIX: 'alice-sandbox',
    });
    expect(resolved.notes.join('\n')).toContain('database clinic_sandbox on db.local:5433');
    expect(resolved.notes.join('\n')).toContain('queue prefix alice-sandbox');
    expect(resolved.notes.join('\n')).not.toContain('s3cret');
    // What it derives is valid configuration.
    expect(loadConfig(resolved.env).database.url).toBe(resolved.sandbox?.databaseUrl);
  });

  it('names the sandbox location, so the CLI reads what the services under npm start read', () => {
    // GHL_WEBHOOK_SECRET is one location's workflow secret: the schema wants that location.
    const withSecret = { ...user, GHL_WEBHOOK_SECRET: 'a-workflow-secret-of-32-characters!' };
    const resolved = resolveEnv(withSecret, { cwd: workspace(), sandbox: true });
    expect(resolved.env.GHL_LOCATION_ID).toBe('location-1');
    expect(loadConfig(resolved.env).webhooks.configuredSecret).toEqual({
      secret: withSecret.GHL_WEBHOOK_SECRET,
      locationId: 'location-1',
    });
    const chosen = resolveEnv(
      { ...withSecret, GHL_LOCATION_ID: 'clinic-7' },
      { cwd: workspace(), sandbox: true },
    );
    expect(chosen.env.GHL_LOCATION_ID).toBe('clinic-7');
  });

  it('derives from the defaults when the user set nothing, and never appends twice', () => {
    expect(resolveEnv({}, { cwd: workspace(), sandbox: true }).sandbox).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ghl_bridge_sandbox',
      queuePrefix: 'ghlb-sandbox',
      locationId: 'location-1',
    });
    const again = resolveEnv(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x_sandbox', QUEUE_PREFIX: 'x-sandbox' },
      { cwd: workspace(), sandbox: true },
    );
    expect(again.env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x_sandbox',
      QUEUE_PREFIX: 'x-sandbox',
    });
  });

  it('is off with GHL credentials (from the environment or .env), in production and in tests', () => {
    for (const env of [
      { ...user, GHL_CLIENT_ID: 'app-1' },
      { ...user, GHL_ACCESS_TOKEN: 'token' },
      { ...user, NODE_ENV: 'production' },
      { ...user, NODE_ENV: 'test' },
    ]) {
      const resolved = resolveEnv(env, { cwd: workspace(), sandbox: true });
      expect(resolved.sandbox, JSON.stringify(env)).toBeUndefined();
      expect(resolved.env).toEqual(env);
    }
    const withFile = resolveEnv(user, { cwd: workspace('GHL_CLIENT_ID=app-1\n'), sandbox: true });
    expect(withFile.sandbox).toBeUndefined();
    expect(withFile.env.DATABASE_URL).toBe(user.DATABASE_URL);
    // Empty credentials are no credentials.
    expect(resolveEnv({ GHL_CLIENT_ID: '' }, { cwd: workspace(), sandbox: true }).sandbox).toBeDefined();
  });

  it('leaves services alone: only entry points that follow sandbox mode derive', () => {
    const resolved = resolveEnv(user, { cwd: workspace() });
    expect(resolved.sandbox).toBeUndefined();
    expect(resolved.env).toEqual(user);
  });

  it('says that SANDBOX_DATABASE_URL is no longer read instead of ignoring it silently', () => {
    const resolved = resolveEnv(
      { SANDBOX_DATABASE_URL: 'postgres://127.0.0.1/other' },
      { cwd: workspace(), sandbox: true },
    );
    expect(resolved.env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ghl_bridge_sandbox');
    expect(resolved.notes.join('\n')).toMatch(/SANDBOX_DATABASE_URL is no longer read/);
  });
});
