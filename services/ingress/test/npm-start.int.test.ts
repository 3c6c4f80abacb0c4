import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteKeys, dropTestDatabase } from '@ghl-bridge/testing';
import { Redis } from 'ioredis';
import { describe, expect, inject, onTestFinished, test } from 'vitest';

// `npm start` as a newcomer runs it, end to end: sandbox mode on ports of its own, then SIGTERM.
// It runs scripts/dev.mjs itself (with --no-install: the checkout is installed, and a `pnpm
// install` would relink packages under the other test files running meanwhile).
const root = fileURLToPath(new URL('../../../', import.meta.url));
// A developer's .env would configure these runs too (GHL credentials there turn sandbox mode off).
const hasDotEnv = existsSync(join(root, '.env'));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

/** Resolves once the start script says it is ready; fails with its output if it exits first. */
async function startedAndReady(env: NodeJS.ProcessEnv, extra: string[] = []): Promise<Started> {
  const started = run(['scripts/dev.mjs', 'start', '--no-install', ...extra], env);
  const deadline = Date.now() + 90_000;
  while (!/ready: ingress/.test(started.output())) {
    const gone = started.child.exitCode !== null || started.child.signalCode !== null;
    if (gone || Date.now() > deadline) {
      started.child.kill('SIGKILL');
      throw new Error(`npm start did not get ready:\n${started.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return started;
}

const childrenOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the start script: it must stop every child and exit 0 itself. */
async function terminate(started: Started): Promise<void> {
  const children = childrenOf(started.child.pid ?? 0);
  expect(children.length, started.output()).toBeGreaterThanOrEqual(3); // sandbox, ingress, worker
  started.child.kill('SIGTERM');
  expect(await started.exited, started.output()).toEqual({ code: 0, signal: null });
  expect(children.filter(alive), started.output()).toEqual([]);
}

describe.skipIf(hasDotEnv)(
  'npm start (skipped where a .env at the repository root would configure it)',
  () => {
    test('stops every child and exits 0 on SIGTERM, and a second start keeps an API key made after the first', async () => {
      const name = `npm_start_${randomBytes(4).toString('hex')}`;
      const serverUrl = inject('databaseServerUrl');
      const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
      const port = await freePort();
      const { NODE_ENV: _vitestSetsTest, ...inherited } = process.env;
      const env: NodeJS.ProcessEnv = {
        ...inherited,
        DATABASE_URL: `${serverUrl.replace(/\/[^/]*$/, '')}/${name}`,
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: name,
        PORT: String(port),
        GHL_SANDBOX_PORT: String(await freePort()),
        WORKER_METRICS_PORT: '0',
        GHL_SANDBOX_STATE_FILE: join(dataDir, 'sandbox-state.json'),
        // One location's workflow secret: the CLI must read it as the services do.
        GHL_WEBHOOK_SECRET: 'npm-start-workflow-secret-0123456789',
        LOG_LEVEL: 'warn',
      };
      onTestFinished(async () => {
        await dropTestDatabase(serverUrl, `${name}_sandbox`);
        const redis = new Redis(inject('redisUrl'));
        await deleteKeys(redis, `${name}-sandbox`);
        redis.disconnect();
        rmSync(dataDir, { recursive: true, force: true });
      });
      const citas = (key: string) =>
        fetch(`http://127.0.0.1:${port}/api/ghl/citas/?location_id=location-1`, {
          headers: { authorization: `Bearer ${key}` },
        }).then((response) => response.status);

      const first = await startedAndReady(env);
      expect(first.output()).toContain(`database ${name}_sandbox on`);
      // The install link leads to the sandbox's location chooser, and back to this ingress.
      const install = await fetch(`http://127.0.0.1:${port}/oauth/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const chooser = new URL(install.headers.get('location') ?? '');
      expect(chooser.origin).toBe(`http://127.0.0.1:${env.GHL_SANDBOX_PORT}`);
      expect(chooser.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback`);
      // A second start while this one runs stops at once instead of passing this one off as its own.
      const twice = run(['scripts/dev.mjs', 'start', '--no-install'], env);
      expect(await twice.exited, twice.output()).toEqual({ code: 1, signal: null });
      expect(twice.output()).toMatch(new RegExp(`port ${port} \\(PORT\\) is in use`));
      // The CLI, run as a user runs it with the same environment, works on the database npm start uses.
      const cli = run(
        [
          '--import',
          'tsx',
          'services/ingress/src/cli/main.ts',
          'keys',
          'create',
          '--name',
          'e2e',
          '--locations',
          'location-1',
        ],
        env,
      );
      expect((await cli.exited).code, cli.output()).toBe(0);
      const key = /^(ghlb_\S+)$/m.exec(cli.output())?.[1] ?? '';
      expect(await citas(key)).toBe(200);
      await terminate(first);

      const second = await startedAndReady(env);
      expect(second.output()).not.toMatch(/start empty|--fresh:/);
      expect(await citas(key)).toBe(200);
      await terminate(second);
    }, 180_000);

    test('--fresh with GHL credentials refuses before starting anything: it resets sandbox mode only', async () => {
      const { NODE_ENV: _vitestSetsTest, ...inherited } = process.env;
      const refused = run(['scripts/dev.mjs', 'start', '--no-install', '--fresh'], {
        ...inherited,
        GHL_CLIENT_ID: 'app-1',
      });
      expect(await refused.exited).toEqual({ code: 1, signal: null });
      expect(refused.output()).toMatch(/--fresh resets sandbox mode only/);
    });
  },
);
