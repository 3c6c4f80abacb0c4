import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisSettings } from '@ghl-bridge/redis';
import { canListen } from './ports.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Why a cluster cannot be started here, or undefined when it can. */
export function redisClusterUnavailable(): string | undefined {
  for (const binary of ['redis-server', 'redis-cli']) {
    if (spawnSync('which', [binary], { stdio: 'ignore' }).status !== 0)
      return `${binary} is not installed (apt-get install redis-server); Redis Cluster tests are skipped`;
  }
  return undefined;
}

export interface RedisClusterOptions {
  /** Masters, each owning a third (for 3) of the 16,384 slots. */
  masters?: number;
  /** Replicas per master; 1 lets a master fail over. */
  replicasPerMaster?: number;
  /** cluster-node-timeout: how long a silent master takes to be failed over (plus an election). */
  nodeTimeoutMs?: number;
  /** Append-only persistence on every node (as production runs it), off by default for speed. */
  appendOnly?: boolean;
}

interface Node {
  port: number;
  process: ChildProcess | undefined;
  exited: Promise<void>;
}

/**
 * A Redis Cluster of the installed redis-server on free loopback ports (never 6379), its data
 * under a temp dir, built with `redis-cli --cluster create`. Only the processes it started are
 * ever stopped or killed, by their own handles; a process that exits kills whatever it left.
 */
export class LocalRedisCluster {
  private readonly nodes: Node[] = [];
  private stopped = false;

  private constructor(
    readonly dir: string,
    private readonly options: Required<RedisClusterOptions>,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
    const unavailable = redisClusterUnavailable();
    if (unavailable) throw new Error(unavailable);
    const resolved = { masters: 3, replicasPerMaster: 0, nodeTimeoutMs: 2000, appendOnly: false, ...options };
    const cluster = new LocalRedisCluster(mkdtempSync(join(tmpdir(), 'ghlb-redis-cluster-')), resolved);
    try {
      const ports = await freeClusterPorts(resolved.masters * (1 + resolved.replicasPerMaster));
      for (const port of ports) cluster.nodes.push(cluster.spawnNode(port));
      await Promise.all(ports.map((port) => cluster.waitForPing(port)));
      // The first `masters` ports become masters; redis-cli gives each the replicas that follow.
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        String(resolved.replicasPerMaster),
        '--cluster-yes',
      ]);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** REDIS_CLUSTER_NODES for the services: every node, as a deployment would list a few. */
  get nodesVariable(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** What createRedis takes, for clients in the harness itself. */
  get settings(): RedisSettings {
    return {
      url: 'redis://127.0.0.1:6379',
      clusterNodes: this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      tls: false,
    };
  }

  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /** Process id of a running node (to read its CPU time from /proc), else undefined. */
  pid(port: number): number | undefined {
    const node = this.node(port);
    return node.process && node.process.exitCode === null && node.process.signalCode === null
      ? node.process.pid
      : undefined;
  }

  /** `redis-cli -p <port> <args>`: output, trimmed. */
  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
      timeout: 5_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  }

  /** The port of the master that serves `key` now. */
  async masterOf(key: string): Promise<number> {
    const [first] = this.livePorts();
    if (first === undefined) throw new Error('no node of the cluster is running');
    const slot = Number(await this.cli(first, 'cluster', 'keyslot', key));
    for (const line of (await this.cli(first, 'cluster', 'nodes')).split('\n')) {
      const [, address = '', flags = '', , , , , state, ...ranges] = line.split(' ');
      if (!flags.includes('master') || flags.includes('fail') || state !== 'connected') continue;
      const owns = ranges.some((range) => {
        const [low, high = low] = range.split('-').map(Number);
        return low !== undefined && high !== undefined && slot >= low && slot <= high;
      });
      if (owns) return Number(address.split(':')[1]?.split('@')[0]);
    }
    throw new Error(`no connected master serves slot ${slot}`);
  }

  /** kill -9 of one node: no shutdown, no last replication flush. */
  async kill(port: number): Promise<void> {
    const node = this.node(port);
    node.process?.kill('SIGKILL');
    await node.exited;
  }

  /** Starts a stopped node again on its port and data: it rejoins (a failed-over master as a replica). */
  async restart(port: number): Promise<void> {
    const index = this.nodes.findIndex((node) => node.port === port);
    if (this.pid(port) !== undefined) return;
    this.nodes[index] = this.spawnNode(port);
    await this.waitForPing(port);
  }

  /**
   * Waits until the cluster serves every slot again with a master that is not `port`: the
   * replica of a killed master has been promoted (after cluster-node-timeout and an election).
   */
  async waitForFailover(port: number, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.clusterInfo().catch(() => undefined);
      if (info?.every((i) => i.state === 'ok')) {
        const masters = await this.masterPorts();
        if (!masters.includes(port) && masters.length === this.options.masters) return Date.now();
      }
      if (Date.now() > deadline) throw new Error(`no failover of :${port} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** Every running node says the cluster is ok, knows every node, and replicas are in sync. */
  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.clusterInfo().catch(() => undefined);
      const synced = await this.replicasInSync().catch(() => false);
      if (info?.every((i) => i.state === 'ok' && i.knownNodes === this.nodes.length) && synced) return;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster in ${this.dir} did not become healthy`);
      await sleep(100);
    }
  }

  /** Stops every node it started (SIGTERM, then SIGKILL) and removes its data. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(
      this.nodes.map(async (node) => {
        node.process?.kill('SIGTERM');
        const done = await Promise.race([node.exited.then(() => true), sleep(5_000).then(() => false)]);
        if (!done) node.process?.kill('SIGKILL');
        await node.exited;
      }),
    );
    process.off('exit', this.killAll);
    rmSync(this.dir, { recursive: true, force: true });
  }

  // A test runner that exits without teardown must not leave redis-servers behind.
  private readonly killAll = () => {
    for (const node of this.nodes) node.process?.kill('SIGKILL');
  };

  private spawnNode(port: number): Node {
    const dir = join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    if (this.nodes.length === 0) process.once('exit', this.killAll);
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(this.options.nodeTimeoutMs),
      '--save',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
    ];
    const log = openSync(join(dir, 'redis.log'), 'a');
    const child = spawn('redis-server', args, { stdio: ['ignore', log, log] });
    closeSync(log);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    return { port, process: child, exited };
  }

  private node(port: number): Node {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`:${port} is not a node of this cluster`);
    return node;
  }

  private livePorts(): number[] {
    return this.nodes.filter((node) => this.pid(node.port) !== undefined).map((node) => node.port);
  }

  private async waitForPing(port: number): Promise<void> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      if (this.pid(port) === undefined) throw new Error(`redis-server :${port} exited (see ${this.dir})`);
      if ((await this.cli(port, 'ping').catch(() => '')) === 'PONG') return;
      await sleep(50);
    }
    throw new Error(`redis-server :${port} did not answer`);
  }

  private async clusterInfo(): Promise<Array<{ state: string; knownNodes: number }>> {
    return Promise.all(
      this.livePorts().map(async (port) => {
        const text = await this.cli(port, 'cluster', 'info');
        const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(text)?.[1] ?? '';
        return { state: field('cluster_state'), knownNodes: Number(field('cluster_known_nodes')) };
      }),
    );
  }

  private async masterPorts(): Promise<number[]> {
    const [first] = this.livePorts();
    if (first === undefined) return [];
    return (await this.cli(first, 'cluster', 'nodes'))
      .split('\n')
      .map((line) => line.split(' '))
      .filter(
        ([, , flags = '', , , , , state]) =>
          /master/.test(flags) && !/fail/.test(flags) && state === 'connected',
      )
      .map(([, address = '']) => Number(address.split(':')[1]?.split('@')[0]));
  }

  private async replicasInSync(): Promise<boolean> {
    const roles = await Promise.all(this.livePorts().map((port) => this.cli(port, 'info', 'replication')));
    return roles.every((text) => !/^role:slave/m.test(text) || /^master_link_status:up/m.test(text));
  }
}

/**
 * `count` loopback ports that are free together with their cluster bus ports (+10000), from a
 * random base in 7100-7899 so two harnesses side by side rarely try the same ones.
 */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  const base = 7100 + Math.floor(Math.random() * 80) * 10;
  for (let port = base; ports.length < count && port < 7900 + count; port++) {
    if ((await canListen(port)) && (await canListen(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('not enough free loopback ports for a Redis Cluster');
  return ports;
}
