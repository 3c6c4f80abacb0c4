import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleep, waitFor } from './wait.js';

/** The monorepo root: services are started from there so `--import tsx` resolves. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** The log written so far (stdout and stderr interleaved). */
  log(): string;
}

/**
 * Starts a command with stdout/stderr going straight to a file: no pipe that the harness must
 * drain, so a chatty worker can never block on a full pipe while the harness is busy.
 */
export function spawnLogged(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Child {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', () => resolve(-1));
  });
  return {
    name,
    process: child,
    logFile,
    exited,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** `node --import tsx services/<service>/src/main.ts` with the suite's own environment. */
export function spawnService(
  name: string,
  service: 'ingress' | 'worker',
  env: Record<string, string>,
  logFile: string,
): Child {
  return spawnLogged(
    name,
    process.execPath,
    ['--import', 'tsx', `services/${service}/src/main.ts`],
    logFile,
    {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
    },
  );
}

export const isRunning = (child: Child) =>
  child.process.exitCode === null && child.process.signalCode === null;

/** Waits for a log line matching `pattern`, failing early if the process dies first. */
export async function waitForLog(child: Child, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${child.name} to log ${pattern}`,
    () => {
      if (!isRunning(child)) throw new Error(`${child.name} exited: ${tail(child.log())}`);
      return pattern.test(child.log());
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** SIGTERM, then SIGKILL if the process outlives `graceMs`. Safe on a process already gone. */
export async function stopChild(child: Child, graceMs = 8_000): Promise<void> {
  if (!isRunning(child)) return;
  child.process.kill('SIGTERM');
  const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done && isRunning(child)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
}

/** kill -9: no shutdown hook runs, locks stay held, in-flight jobs are abandoned mid-way. */
export async function killHard(child: Child): Promise<void> {
  if (!isRunning(child)) return;
  child.process.kill('SIGKILL');
  await child.exited;
}

export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** pino lines at warn or above (level 40+): what a post-mortem wants from a chatty log. */
export const warnings = (lines: string[]) => lines.filter((l) => /"level":(4|5|6)0/.test(l));
