#!/usr/bin/env node
// `npm start` and `npm test` on a fresh machine: everything they need, in order, with no other
// step by hand. Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.4.2';
const FIX = 'docker compose up -d postgres redis';
const command = process.argv[2];

const step = (message) => console.log(`\x1b[36m›\x1b[0m ${message}`);
const fail = (message) => {
  console.error(`\x1b[31m✗\x1b[0m ${message}`);
  process.exit(1);
};
const run = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options }).status === 0;
const quiet = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'ignore' }).status === 0;

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node ${process.versions.node} is too old: ghl-bridge needs 20.19 or later.`);
}

/** pnpm itself: already on PATH, else installed globally by npm, else run through npx. */
function findPnpm() {
  if (quiet('pnpm', ['--version'])) return ['pnpm'];
  step(`installing pnpm ${PNPM_VERSION}`);
  if (
    run('npm', ['install', '-g', '--allow-scripts=pnpm', `pnpm@${PNPM_VERSION}`]) &&
    quiet('pnpm', ['--version'])
  ) {
    return ['pnpm'];
  }
  step('global install not possible here; using npx');
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

function reachable(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(host, port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port, 250)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const isLocal = (host) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

/** Local services that are installed but stopped get started; anything else gets a clear fix. */
async function ensureService(name, url, fallbackPort, start) {
  const { hostname, port: rawPort } = new URL(url);
  const port = Number(rawPort || fallbackPort);
  if (await reachable(hostname, port)) return;
  if (isLocal(hostname) && start(port)) {
    step(`started ${name} on ${hostname}:${port}`);
    if (await waitFor(hostname, port, 20)) return;
  }
  fail(
    `${name} is not reachable at ${hostname}:${port}.\n  Start it with: ${FIX}\n  (or install ${name} locally; npm start/test start a local one that is stopped)`,
  );
}

function startPostgres() {
  if (!quiet('which', ['pg_ctlcluster'])) return false;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  return versions.some((v) => quiet('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start']));
}

function startRedis(port) {
  if (!quiet('which', ['redis-server'])) return false;
  return quiet('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}

async function prepare() {
  checkNode();
  const pnpm = findPnpm();
  const pnpmRun = (...args) => run(pnpm[0], [...pnpm.slice(1), ...args]);
  step('installing dependencies');
  if (!pnpmRun('install', '--frozen-lockfile', '--prefer-offline')) fail('pnpm install failed (see above).');
  await ensureService(
    'PostgreSQL',
    process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432',
    5432,
    startPostgres,
  );
  // With a Redis Cluster configured, its first node stands for it (a local cluster is not started here).
  const clusterNode = process.env.REDIS_CLUSTER_NODES?.split(',')[0]?.trim();
  await ensureService(
    'Redis',
    clusterNode ? `redis://${clusterNode}` : (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    6379,
    clusterNode ? () => false : startRedis,
  );
  return { pnpm, pnpmRun };
}

async function test() {
  const { pnpmRun } = await prepare();
  step('lint');
  if (!pnpmRun('exec', 'biome', 'check', '.')) fail('lint failed; `pnpm format` fixes formatting.');
  step('typecheck');
  if (!pnpmRun('exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only')) fail('typecheck failed.');
  step('tests (real PostgreSQL and Redis)');
  if (!pnpmRun('exec', 'vitest', 'run', '--project', 'default')) fail('tests failed.');
  step('timing tests (one file at a time, so they measure without contention)');
  if (!pnpmRun('exec', 'vitest', 'run', '--project', 'timing')) fail('timing tests failed.');
  // The fast fault suites start their own PostgreSQL and Redis on other ports, so they need the
  // server binaries, not only a reachable server; where those are missing they are skipped, loudly.
  if (quiet('which', ['redis-server']) && existsSync('/usr/lib/postgresql')) {
    step('fault suites, fast (pnpm chaos --fast; the full set is pnpm chaos)');
    if (!pnpmRun('chaos', '--fast')) fail('a fault suite broke a guarantee.');
  } else {
    step('fault suites skipped: they need redis-server and PostgreSQL server binaries installed locally');
  }
}

/** No GHL credentials: run the bundled GHL sandbox and point everything at it, loudly. */
async function startSandbox(pnpm) {
  const port = Number(process.env.GHL_SANDBOX_PORT ?? 4010);
  const url = `http://127.0.0.1:${port}`;
  const ingressPort = process.env.PORT ?? '3000';
  const child = spawn(pnpm[0], [...pnpm.slice(1), '--filter', '@ghl-bridge/ghl-sandbox', 'start'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      GHL_SANDBOX_SEED_FILE: join(root, 'services/ghl-sandbox/seed.example.json'),
      GHL_SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${ingressPort}/api/webhooks/ghl/`,
      GHL_SANDBOX_RSA_BITS: '2048',
      LOG_LEVEL: 'warn',
    },
  });
  if (!(await waitFor('127.0.0.1', port, 30))) fail(`the GHL sandbox did not start on port ${port}`);
  const admin = async (path, body) => {
    const response = await fetch(`${url}/_sandbox${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) fail(`sandbox ${path} answered ${response.status}`);
    return response.json();
  };
  const keys = await admin('/keys');
  const tokens = await admin('/tokens', { locationId: 'location-1' });
  console.log(`\x1b[33m!\x1b[0m No GHL credentials configured: running against the GHL SANDBOX at ${url}`);
  console.log(
    '  (seeded from services/ghl-sandbox/seed.example.json: location-1, calendar-1; state is in memory)',
  );
  const env = {
    GHL_API_BASE_URL: url,
    GHL_CLIENT_ID: '6650aa5e0f5b1e0012345678-sandbox',
    GHL_CLIENT_SECRET: 'sandbox-client-secret',
    GHL_LOCATION_ID: 'location-1',
    GHL_ACCESS_TOKEN: tokens.access_token,
    GHL_REFRESH_TOKEN: tokens.refresh_token,
    GHL_WEBHOOK_PUBLIC_KEY: keys.ed25519,
    // The sandbox forgets everything at each start, so ghl-bridge's sandbox data starts clean too.
    DATABASE_URL: process.env.SANDBOX_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ghl_bridge_sandbox',
    QUEUE_PREFIX: 'ghlb-sandbox',
  };
  return { child, env };
}

async function start() {
  const { pnpm } = await prepare();
  const useSandbox = !process.env.GHL_CLIENT_ID && !process.env.GHL_ACCESS_TOKEN;
  const sandbox = useSandbox ? await startSandbox(pnpm) : undefined;
  const env = { ...process.env, ...sandbox?.env };
  step('migrations');
  const migrate = useSandbox
    ? ['--filter', '@ghl-bridge/db', 'exec', 'tsx', 'src/migrate-cli.ts', '--reset-sandbox']
    : ['db:migrate'];
  if (!run(pnpm[0], [...pnpm.slice(1), ...migrate], { env })) fail('migrations failed (see above).');
  const children = ['@ghl-bridge/ingress', '@ghl-bridge/worker'].map((name) =>
    spawn(pnpm[0], [...pnpm.slice(1), '--filter', name, 'start'], { cwd: root, stdio: 'inherit', env }),
  );
  if (sandbox) children.push(sandbox.child);
  step(
    `ingress on http://127.0.0.1:${process.env.PORT ?? 3000} and the worker are starting; Ctrl-C stops everything`,
  );
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping) console.error(`a service exited (code ${code}); stopping the others`);
      stop('SIGTERM');
      process.exitCode = code ?? 1;
    });
  }
}

if (command === 'test') await test();
else if (command === 'start') await start();
else fail('usage: node scripts/dev.mjs start|test');
