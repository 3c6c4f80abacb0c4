import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './bench-env.js';
import { cpuSecondsOf } from './child.js';

export interface OwnRedis {
  url: string;
  pid: number;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A Redis of the bench's own on a free loopback port, configured as the local cluster's nodes
 * are (no persistence), so one Redis and a cluster compare like for like, and so its CPU time can
 * be read from /proc. The shared 6379 is never used for this.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'ghlb-bench-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start (is it installed?)');
  for (let i = 0; ; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim();
    if (ping === 'PONG') break;
    if (i > 100) throw new Error(`redis-server :${port} did not answer`);
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid,
    cpuSeconds: () => cpuSecondsOf(pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
