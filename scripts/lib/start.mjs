// `npm start`: configuration resolved as every ghl-bridge process resolves it (.env, sandbox
// mode: packages/config/src/resolve-env.js), migrations, ingress and the worker, and with no GHL
// credentials the bundled GHL sandbox, whose state is kept in a file so that ghl-bridge's own
// database is kept too. `--fresh` resets both. See the README's "Start and test".
import { existsSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeDatabase, resolveEnv } from '../../packages/config/src/resolve-env.js';
import {
  checkNode,
  ensurePortsFree,
  ensureServices,
  fail,
  installDependencies,
  root,
  step,
  warn,
} from './prepare.mjs';
import { Supervisor, tsNode } from './supervisor.mjs';

/** Where sandbox mode keeps the GHL sandbox's state unless GHL_SANDBOX_STATE_FILE says otherwise (git-ignored). */
const DEFAULT_STATE_FILE = '.ghl-bridge/sandbox-state.json';
const SEED_FILE = 'services/ghl-sandbox/seed.example.json';
/** What the sandbox's client id looks like to ghl-bridge (GHL's `<appId>-<suffix>`); the sandbox accepts it. */
const SANDBOX_CLIENT = { id: '6650aa5e0f5b1e0012345678-sandbox', secret: 'sandbox-client-secret' };
const READY_TIMEOUT_MS = 90_000;
/** Where the GHL sandbox listens unless GHL_SANDBOX_PORT says otherwise. */
const SANDBOX_PORT = 4010;

const log = (message, level) =>
  level === 'error' ? console.error(`\x1b[31m✗\x1b[0m ${message}`) : step(message);

export async function start(argv) {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      fresh: { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
    },
    strict: true,
  });
  checkNode();
  const resolved = resolveEnv(process.env, { cwd: root, sandbox: true });
  if (flags.fresh && !resolved.sandbox) {
    fail(
      '--fresh resets sandbox mode only (no GHL credentials); with GHL credentials set, nothing is reset.',
    );
  }
  await ensurePortsFree([
    ['PORT', Number(resolved.env.PORT || 3000)],
    ...(resolved.sandbox
      ? [['GHL_SANDBOX_PORT', Number(resolved.env.GHL_SANDBOX_PORT || SANDBOX_PORT)]]
      : []),
  ]);
  if (!flags['no-install']) installDependencies();
  await ensureServices(resolved.env);
  for (const note of resolved.notes) step(note);

  const supervisor = new Supervisor(log);
  let env = resolved.env;
  let sandboxUrl;
  if (resolved.sandbox) {
    const sandbox = await startSandbox(supervisor, env, flags.fresh);
    env = { ...env, ...sandbox.env };
    sandboxUrl = sandbox.url;
  }

  step(`migrations (${describeDatabase(env.DATABASE_URL)})`);
  if (!(await supervisor.step('migrations', tsNode('packages/db/src/migrate-cli.ts'), env)))
    await supervisor.fail('migrations failed (see above); stopping.');

  supervisor.service('ingress', tsNode('services/ingress/src/main.ts'), env);
  supervisor.service('worker', tsNode('services/worker/src/main.ts'), env);
  const ingressUrl = `http://${reachableHost(env.HOST)}:${env.PORT || 3000}`;
  step(`ingress (${ingressUrl}) and the worker are starting; Ctrl-C stops everything`);
  if (!(await waitForHttp(`${ingressUrl}/readyz`, READY_TIMEOUT_MS, supervisor)))
    await supervisor.fail(`ingress did not answer ${ingressUrl}/readyz within ${READY_TIMEOUT_MS / 1000} s`);
  console.log(
    `\x1b[32m✓\x1b[0m ready: ingress on ${ingressUrl} (API docs at /docs, Bull Board at /admin/queues)`,
  );
  console.log(`  database ${describeDatabase(env.DATABASE_URL)}, queue prefix ${env.QUEUE_PREFIX || 'ghlb'}`);
  console.log(sandboxUrl ? `  GHL: the sandbox at ${sandboxUrl}` : `  GHL: ${env.GHL_API_BASE_URL || 'GHL'}`);
}

/**
 * The bundled GHL sandbox, its state kept in a file. A sandbox with no state yet (first start,
 * `--fresh`, or the file deleted) knows none of the tokens and appointments ghl-bridge stored, so
 * the sandbox-mode database and queue keys are reset with it, and the start says so.
 */
async function startSandbox(supervisor, env, fresh) {
  const stateFile = resolve(root, env.GHL_SANDBOX_STATE_FILE || DEFAULT_STATE_FILE);
  const shown = relative(root, stateFile).startsWith('..') ? stateFile : relative(root, stateFile);
  if (fresh || !existsSync(stateFile)) {
    warn(
      fresh
        ? `--fresh: deleting the sandbox state (${shown}), the database ${describeDatabase(env.DATABASE_URL)} and the queue keys under ${env.QUEUE_PREFIX}`
        : `no sandbox state at ${shown} yet: the sandbox starts from its seed, and the database ${describeDatabase(env.DATABASE_URL)} and the queue keys under ${env.QUEUE_PREFIX} start empty`,
    );
    rmSync(stateFile, { force: true });
    // The CLI derives the same names from the same environment (and refuses outside sandbox mode).
    if (
      !(await supervisor.step(
        'sandbox reset',
        tsNode('services/ingress/src/cli/main.ts').concat('sandbox', 'reset'),
        process.env,
      ))
    )
      await supervisor.fail('resetting the sandbox data failed (see above); stopping.');
  }

  const port = Number(env.GHL_SANDBOX_PORT || SANDBOX_PORT);
  const url = `http://127.0.0.1:${port}`;
  const locationId = env.GHL_LOCATION_ID; // sandbox mode sets it (resolveEnv)
  supervisor.service(
    'GHL sandbox',
    tsNode('services/ghl-sandbox/src/main.ts'),
    {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      GHL_SANDBOX_SEED_FILE: env.GHL_SANDBOX_SEED_FILE || resolve(root, SEED_FILE),
      GHL_SANDBOX_WEBHOOK_URL: `http://${reachableHost(env.HOST)}:${env.PORT || 3000}/api/webhooks/ghl/`,
      GHL_SANDBOX_RSA_BITS: env.GHL_SANDBOX_RSA_BITS || '2048',
      GHL_SANDBOX_STATE_FILE: stateFile,
      LOG_LEVEL: 'warn',
    },
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (!(await waitForHttp(`${url}/_sandbox/keys`, 30_000, supervisor)))
    await supervisor.fail(`the GHL sandbox did not start on port ${port} (GHL_SANDBOX_PORT)`);

  const admin = async (path, body) => {
    const response = await fetch(`${url}/_sandbox${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok)
      await supervisor.fail(`sandbox ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const keys = await admin('/keys');
  // Bootstrap tokens for the location; the worker stores them only when it holds none yet.
  const tokens = await admin('/tokens', { locationId });
  const sandboxEnv = {
    GHL_API_BASE_URL: url,
    // /oauth/install sends the installer to the sandbox's location chooser, not GHL's, and
    // back to this ingress unless you named another callback.
    GHL_MARKETPLACE_URL: url,
    GHL_OAUTH_REDIRECT_URI:
      env.GHL_OAUTH_REDIRECT_URI || `http://${reachableHost(env.HOST)}:${env.PORT || 3000}/oauth/callback`,
    GHL_CLIENT_ID: SANDBOX_CLIENT.id,
    GHL_CLIENT_SECRET: SANDBOX_CLIENT.secret,
    GHL_LOCATION_ID: locationId,
    GHL_ACCESS_TOKEN: tokens.access_token,
    GHL_REFRESH_TOKEN: tokens.refresh_token,
    GHL_WEBHOOK_PUBLIC_KEY: keys.ed25519,
  };
  warn(
    `no GHL credentials: running against the GHL SANDBOX at ${url} (GHL_SANDBOX_PORT), location ${locationId}`,
  );
  console.log(
    `  its state is kept in ${shown} (GHL_SANDBOX_STATE_FILE); \`npm start -- --fresh\` starts over`,
  );
  for (const name of [
    'GHL_API_BASE_URL',
    'GHL_MARKETPLACE_URL',
    'GHL_CLIENT_SECRET',
    'GHL_REFRESH_TOKEN',
    'GHL_WEBHOOK_PUBLIC_KEY',
  ])
    if (env[name]) console.log(`  your ${name} is not used in sandbox mode: the sandbox's is`);
  return { url, env: sandboxEnv };
}

/** Where this machine reaches a server listening on `host` (all interfaces → loopback). */
function reachableHost(host) {
  return !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

async function waitForHttp(url, timeoutMs, supervisor) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (supervisor.stopping) await supervisor.stop(1); // never resolves
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
