import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@ghl-bridge/testing/ports';
import type { Cleanup } from './cleanup.js';
import { waitFor } from './wait.js';

// Debian's layout: /usr/lib/postgresql/<major>/bin; the newest installed major is used.
const BIN = `/usr/lib/postgresql/${readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0] ?? '15'}/bin`;

/**
 * A PostgreSQL cluster the suite owns: initdb into its temp dir, its own port (5440+), socket in
 * /tmp. PostgreSQL refuses to run as root, so every server command goes through `runuser -u
 * postgres`. The machine's shared 127.0.0.1:5432 is never stopped or touched.
 */
export class OwnPostgres {
  private running = false;

  private constructor(
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  static async start(parentDir: string, cleanup: Cleanup): Promise<OwnPostgres> {
    const dataDir = join(parentDir, 'pg');
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, uid('postgres'), gid('postgres'));
    // The parent is mkdtemp'd by root with mode 700; postgres must be able to reach its data dir.
    chownSync(parentDir, uid('postgres'), gid('postgres'));
    const pg = new OwnPostgres(await freePort(5440), dataDir);
    asPostgres(`${BIN}/initdb`, ['--auth=trust', '--username=postgres', '-D', dataDir]);
    cleanup.add(`postgres :${pg.port}`, () => pg.stop());
    await pg.restart();
    return pg;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async restart(): Promise<void> {
    if (this.running) return;
    // fsync off: the suite's data is disposable and the box is shared; clean stops still flush.
    const options = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`;
    asPostgres(`${BIN}/pg_ctl`, [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      `${this.dataDir}/server.log`,
      '-w',
      'start',
    ]);
    this.running = true;
    await waitFor(`postgres :${this.port}`, () => this.ready(), { timeoutMs: 20_000 });
  }

  /** `-m fast`: open sessions are cut, as a crash or failover would cut them for the workers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    asPostgres(`${BIN}/pg_ctl`, ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
    this.running = false;
  }

  ready(): boolean {
    const r = spawnSync(`${BIN}/pg_isready`, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres'], {
      timeout: 5_000,
    });
    return r.status === 0;
  }
}

function asPostgres(command: string, args: string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0)
    throw new Error(`${command.split('/').pop()} failed: ${result.stderr || result.stdout}`);
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}
