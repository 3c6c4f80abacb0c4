// What `npm start` and `npm test` need before anything runs: a recent Node, pnpm, the
// dependencies, and a reachable PostgreSQL and Redis (local ones that are installed but stopped
// get started). Plain Node with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PNPM_VERSION = '12.4.2';
const FIX = 'docker compose up -d postgres redis';

export const step = (message) => console.log(`\x1b[36m›\x1b[0m ${message}`);
export const warn = (message) => console.log(`\x1b[33m!\x1b[0m ${message}`);
export const fail = (message) => {
  console.error(`\x1b[31m✗\x1b[0m ${message}`);
  process.exit(1);
};
const run = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options }).status === 0;
export const quiet = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'ignore' }).status === 0;

export function checkNode() {
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

/** pnpm, with the workspace's dependencies installed; returns a runner for pnpm commands. */
export function installDependencies() {
  const pnpm = findPnpm();
  const pnpmRun = (...args) => run(pnpm[0], [...pnpm.slice(1), ...args]);
  step('installing dependencies');
  if (!pnpmRun('install', '--frozen-lockfile', '--prefer-offline')) fail('pnpm install failed (see above).');
  return pnpmRun;
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

/**
 * Stops before starting anything when a port the start needs is taken: another `npm start`
 * answering there would pass for this one being ready.
 */
export async function ensurePortsFree(ports) {
  for (const [name, port] of ports) {
    if (await reachable('127.0.0.1', port, 500))
      fail(
        `port ${port} (${name}) is in use: another npm start, or something else, listens there. Stop it or set ${name}.`,
      );
  }
}

async function waitForPort(host, port, seconds) {
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
    if (await waitForPort(hostname, port, 20)) return;
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

/** PostgreSQL and Redis as `env` names them (empty values count as unset, as in the config). */
export async function ensureServices(env) {
  await ensureService('PostgreSQL', env.DATABASE_URL || 'postgres://127.0.0.1:5432', 5432, startPostgres);
  // With a Redis Cluster configured, its first node stands for it (a local cluster is not started here).
  const clusterNode = env.REDIS_CLUSTER_NODES?.split(',')[0]?.trim();
  await ensureService(
    'Redis',
    clusterNode ? `redis://${clusterNode}` : env.REDIS_URL || 'redis://127.0.0.1:6379',
    6379,
    clusterNode ? () => false : startRedis,
  );
}
