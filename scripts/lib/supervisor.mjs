// The processes `npm start` runs, and how they stop: together, on Ctrl-C or SIGTERM, when one of
// them dies, or when the start fails half-way. Each service is Node itself (not pnpm or a tsx
// wrapper) in a process group of its own, so the terminal's Ctrl-C reaches only this script,
// which sends every child one SIGTERM (the services treat a second signal as "exit now") and
// waits for them all.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './prepare.mjs';

/** Longest a child may take to stop after SIGTERM before it is killed (services wait ~10 s for jobs). */
const STOP_GRACE_MS = 30_000;

/**
 * `node <the service's own start flags> --import tsx <entry>`: the service as `pnpm start` runs it
 * (the worker's heap cap), without pnpm in between.
 */
export function tsNode(entry) {
  const service = /^services\/[^/]+/.exec(entry)?.[0];
  const start = service
    ? String(JSON.parse(readFileSync(join(root, service, 'package.json'), 'utf8')).scripts?.start ?? '')
    : '';
  const [command, ...args] = start.split(/\s+/);
  const flags = command === 'node' ? args.slice(0, Math.max(0, args.indexOf('--import'))) : [];
  return [...flags, '--import', 'tsx', entry];
}

export class Supervisor {
  /** @type {Set<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<void> }>} */
  #running = new Set();
  #stopping = false;

  constructor(log) {
    this.log = log;
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        if (!this.#stopping) this.log(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping everything`);
        void this.stop(0);
      });
    }
  }

  get stopping() {
    return this.#stopping;
  }

  #spawn(name, args, env, stdio) {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio, detached: true });
    const exited = new Promise((resolve) => {
      child.once('exit', resolve);
      child.once('error', resolve);
    });
    const entry = { name, child, exited: exited.then(() => undefined) };
    this.#running.add(entry);
    void entry.exited.then(() => this.#running.delete(entry));
    return { child, exited };
  }

  /** A long-running service: its exit, unless everything is stopping, stops everything (exit 1). */
  service(name, args, env, { stdio = 'inherit' } = {}) {
    const { child, exited } = this.#spawn(name, args, env, stdio);
    void exited.then((code) => {
      if (this.#stopping) return;
      this.log(`${name} exited (${child.signalCode ?? `code ${code}`}); stopping the others`, 'error');
      void this.stop(1);
    });
    return { child, exited };
  }

  /** A step that runs to its end (migrations, a reset); true when it exited 0. */
  async step(name, args, env) {
    const { child, exited } = this.#spawn(name, args, env, 'inherit');
    const code = await exited;
    if (this.#stopping) await this.stop(1); // a signal arrived meanwhile: never resolves
    return code === 0 && child.signalCode === null;
  }

  /**
   * Stops every child (SIGTERM to its group, SIGKILL after the grace time), then exits. Never
   * resolves: whatever awaits it (a failed step) must not carry on starting things.
   */
  async stop(exitCode) {
    if (this.#stopping) return new Promise(() => {});
    this.#stopping = true;
    const running = [...this.#running];
    for (const { child } of running) signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      for (const { name, child } of running) {
        if (child.exitCode === null && child.signalCode === null) {
          this.log(`${name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`, 'error');
          signalGroup(child, 'SIGKILL');
          exitCode = 1;
        }
      }
    }, STOP_GRACE_MS);
    await Promise.all(running.map((entry) => entry.exited));
    clearTimeout(timer);
    process.exit(exitCode);
  }

  /** Fails the start: says why, stops what was started, exits 1 (never resolves). */
  async fail(message) {
    if (!this.#stopping) this.log(message, 'error');
    await this.stop(1);
  }
}

function signalGroup(child, signal) {
  try {
    // The child leads its own group (detached); the group catches anything it started.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
