import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

// USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** Busy and total CPU time of the whole machine so far, all cores, in USER_HZ ticks. */
export async function machineCpuTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  // idle and iowait are the 4th and 5th columns.
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc (Linux), or NaN once gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Repository root, so children resolve workspace packages exactly as `pnpm start` does. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  /** Resident set size in MiB, read from /proc (Linux), or NaN once the process is gone. */
  rssMiB(): Promise<number>;
  /** CPU seconds (user + system) used so far, read from /proc (Linux), or NaN once gone. */
  cpuSeconds(): Promise<number>;
  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The Node flags a service's own `start` script runs it with (`node <flags> --import tsx …`,
 * such as the worker's heap cap), so a bench measures the service as `pnpm start` runs it.
 */
function startFlags(entry: string): string[] {
  const service = /^(services\/[^/]+)\//.exec(entry)?.[1];
  if (!service) return [];
  const manifest = JSON.parse(readFileSync(join(repoRoot, service, 'package.json'), 'utf8'));
  const [command, ...args] = String(manifest.scripts?.start ?? '').split(/\s+/);
  return command === 'node' ? args.slice(0, Math.max(0, args.indexOf('--import'))) : [];
}

/**
 * Starts a TypeScript entry in its own Node process (`node --import tsx`), the way the services
 * run. Node is spawned directly, not through a wrapper, so `pid` is the process we measure.
 * stdout is discarded (pino JSON); stderr is kept for the error message if the child dies early.
 */
export function spawnTs(name: string, entry: string, env: Record<string, string>): Child {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the services a bench starts
  // (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = [...startFlags(entry), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (code && code !== 0 && !stopping) console.error(`[${name}] exited with ${code}:\n${stderr}`);
      else if (signal === 'SIGKILL' && !stopping) console.error(`[${name}] killed`);
      resolve();
    }),
  );
  let stopping = false;
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  return {
    name,
    pid,
    async rssMiB() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) / 1024 : Number.NaN;
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    async stop(graceMs = 10_000) {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => false), sleep(graceMs).then(() => true)]);
      if (killed) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs` (no bench hangs). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** True once something accepts HTTP on this port (any status). */
export async function httpUp(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}
