import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@ghl-bridge/testing/ports';
import type { Cleanup } from './cleanup.js';
import { type Child, isRunning, spawnLogged, stopChild } from './processes.js';
import { waitFor } from './wait.js';

/**
 * A Redis the suite owns: its own port (6390+) and data dir, append-only on. AOF is the
 * deployment requirement this proves: jobs acknowledged before a stop must still be there after
 * the restart (docker-compose.yml runs Redis with AOF for that reason). The machine's shared
 * 127.0.0.1:6379 keeps nothing on disk and is never touched here.
 */
export class OwnRedis {
  private child: Child | undefined;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string, cleanup: Cleanup): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(6390), dir);
    cleanup.add(`redis :${redis.port}`, () => redis.stop());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts on the same port and data dir, so the AOF written before is replayed. */
  async restart(): Promise<void> {
    if (this.child && isRunning(this.child)) return;
    this.starts++;
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ];
    this.child = spawnLogged(`redis-${this.starts}`, 'redis-server', args, join(this.dir, 'redis.log'));
    await waitFor(`redis :${this.port}`, () => this.ping(), { timeoutMs: 15_000, intervalMs: 100 });
  }

  /** SIGTERM: Redis fsyncs the AOF and exits, as `SHUTDOWN` would. */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 10_000);
  }

  ping(): boolean {
    const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), 'ping'], {
      encoding: 'utf8',
      timeout: 2_000,
    });
    return result.stdout.trim() === 'PONG';
  }
}
