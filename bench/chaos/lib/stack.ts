import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, ensureDatabase, runMigrations } from '@ghl-bridge/db';
import type { RedisSettings } from '@ghl-bridge/redis';
import { freePort } from '@ghl-bridge/testing/ports';
import { LocalRedisCluster } from '@ghl-bridge/testing/redis-cluster';
import { Cleanup } from './cleanup.js';
import { OwnPostgres } from './postgres-server.js';
import { type Child, spawnService, stopChild, waitForLog } from './processes.js';
import { OwnRedis } from './redis-server.js';
import { waitFor } from './wait.js';

export interface StackOptions {
  /** Ed25519 SPKI PEM that ingress verifies `x-ghl-signature` with. */
  webhookPublicKey: string;
  /** Extra environment for every service (GHL URLs, timeouts...). */
  env?: Record<string, string>;
  /**
   * A local Redis Cluster (3 masters, append-only on) instead of one Redis. With a replica per
   * master the services wait for one replica to hold each job (REDIS_ACK_REPLICAS=1).
   */
  cluster?: { replicasPerMaster: number };
}

/** Every suite's key namespace (QUEUE_PREFIX). */
export const CHAOS_PREFIX = 'chaos';

/**
 * One suite's world: its own Redis and PostgreSQL, a migrated database, and the ingress and
 * worker processes it spawns against them. Everything it starts is registered with `cleanup`,
 * so `close()` (also called on failure) leaves no child, server or temp dir behind.
 */
export class Stack {
  readonly cleanup = new Cleanup();
  readonly dir: string;
  /** The suite's one Redis, unless it runs on a cluster. */
  redis!: OwnRedis;
  /** The suite's Redis Cluster, when it runs on one. */
  cluster: LocalRedisCluster | undefined;
  postgres!: OwnPostgres;
  database!: Database;
  ingressUrl = '';
  private readonly children: Child[] = [];
  /** Workers that died on their own (not killed by the suite), with the last error they logged. */
  readonly crashes: { name: string; error: string }[] = [];
  private closing = false;
  private serviceEnv: Record<string, string> = {};

  constructor(
    readonly name: string,
    private readonly options: StackOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `ghlb-chaos-${name}-`));
    // CHAOS_KEEP_LOGS=1 keeps the process logs for a post-mortem (the servers are stopped anyway).
    this.cleanup.add('temp dir', () =>
      process.env.CHAOS_KEEP_LOGS === '1'
        ? console.log(`chaos ${name}: logs kept in ${this.dir}`)
        : rmSync(this.dir, { recursive: true, force: true }),
    );
  }

  async start(): Promise<void> {
    if (this.options.cluster) {
      const cluster = await LocalRedisCluster.start({
        masters: 3,
        replicasPerMaster: this.options.cluster.replicasPerMaster,
        appendOnly: true,
      });
      this.cluster = cluster;
      this.cleanup.add('redis cluster', () => cluster.stop());
    } else {
      this.redis = await OwnRedis.start(this.dir, this.cleanup);
    }
    this.postgres = await OwnPostgres.start(this.dir, this.cleanup);
    const url = this.postgres.url('ghl_bridge');
    await ensureDatabase(url);
    await runMigrations(url);
    this.database = createDatabase({ url, poolSize: 4 });
    this.cleanup.add('harness db pool', () => this.database.close());
    this.serviceEnv = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: url,
      ...(this.cluster
        ? {
            REDIS_CLUSTER_NODES: this.cluster.nodesVariable,
            REDIS_ACK_REPLICAS: (this.options.cluster?.replicasPerMaster ?? 0) > 0 ? '1' : '0',
          }
        : { REDIS_URL: this.redis.url }),
      QUEUE_PREFIX: CHAOS_PREFIX,
      GHL_WEBHOOK_PUBLIC_KEY: this.options.webhookPublicKey,
      WORKER_METRICS_PORT: '0',
      // The schedulers would otherwise call GHL (or fail to) in the middle of the measurement.
      RECONCILE_EVERY_MINUTES: '1440',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...this.options.env,
    };
  }

  /** Where the suite's Redis is, for the harness's own clients. */
  get redisSettings(): RedisSettings {
    return this.cluster ? this.cluster.settings : { url: this.redis.url, tls: false };
  }

  /** The environment the services run with (database, Redis, keys...). */
  get env(): Record<string, string> {
    return { ...this.serviceEnv };
  }

  async startIngress(env: Record<string, string> = {}): Promise<Child> {
    const port = await freePort(3400);
    const child = this.spawn('ingress', 'ingress', { PORT: String(port), ...env });
    this.ingressUrl = `http://127.0.0.1:${port}`;
    await waitFor('ingress /healthz', async () => (await fetch(`${this.ingressUrl}/healthz`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 300,
    });
    return child;
  }

  /** A worker process; resolves once it has said "worker started" (its queues are consuming). */
  async startWorker(name: string, env: Record<string, string> = {}): Promise<Child> {
    const child = this.spawn(name, 'worker', env);
    await waitForLog(child, /"msg":"worker started"/);
    this.supervise(child, name, env);
    return child;
  }

  /** Processes the suite killed on purpose; their exit is not a crash. */
  readonly killedOnPurpose = new Set<Child>();

  /**
   * A worker that exits unexpectedly is recorded as a crash and started again after 1 s, as a
   * process manager (compose `restart:`, systemd, Kubernetes) would: the suite then still shows
   * whether the queue recovers, and the crash itself is reported as a broken guarantee.
   */
  private supervise(child: Child, name: string, env: Record<string, string>): void {
    void child.exited.then(async () => {
      if (this.closing || this.killedOnPurpose.has(child)) return;
      const lines = child.log().trimEnd().split('\n');
      const error = lines.find((l) => /Error|error/.test(l) && !l.startsWith('{')) ?? lines.at(-1) ?? '';
      this.crashes.push({ name, error: error.trim().slice(0, 200) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (!this.closing) await this.startWorker(`${name}-after-crash`, env).catch(() => undefined);
    });
  }

  private spawn(name: string, service: 'ingress' | 'worker', env: Record<string, string>): Child {
    const logFile = join(this.dir, `${name}-${this.children.length}.log`);
    const child = spawnService(name, service, { ...this.serviceEnv, ...env }, logFile);
    this.children.push(child);
    this.cleanup.add(name, () => stopChild(child, 6_000));
    return child;
  }

  /** Every log line of every process started so far (workers restarted included). */
  logs(prefix: string): string[] {
    return this.children
      .filter((c) => c.name.startsWith(prefix))
      .flatMap((c) => c.log().split('\n'))
      .filter(Boolean);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.cleanup.runAll();
  }
}
