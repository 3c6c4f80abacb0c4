import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { changeStaffCita, createStaffCita, sequenceChanges } from '@ghl-bridge/citas';
import type { Config } from '@ghl-bridge/config';
import { type Cita, citaChanges, type Db, lockCita } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import type { TestDatabase } from '@ghl-bridge/testing';
import { createWorker } from '@ghl-bridge/worker';
import { asc, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { Webhook } from 'svix';

/** One request as the receiver got it: the raw body, so signatures can be checked on the bytes. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered (`hang`: nothing). */
  answered: number | 'hang';
  at: number;
}

/** What the receiver answers request `n` (0-based); `hang` never answers. */
export type Answer = (request: { n: number; body: string; headers: IncomingHttpHeaders }) => number | 'hang';

/** A local HTTP receiver that records every request and answers as the test says. */
export class Receiver {
  readonly requests: Received[] = [];
  answer: Answer = () => 204;
  private server: Server;
  private hanging = new Set<() => void>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answered = this.answer({ n: this.requests.length, body, headers: req.headers });
        this.requests.push({ headers: req.headers, body, answered, at: Date.now() });
        if (answered === 'hang') {
          this.hanging.add(() => res.destroy());
          return;
        }
        res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/rv3/webhooks`;
  }

  /** Listens (again) on `port`, or on any free port the first time. */
  async listen(port = this.port): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening (connections refused) but keeps the port and the record. */
  async shut(): Promise<void> {
    for (const release of this.hanging) release();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Requests answered 2xx, parsed. */
  delivered(): Array<Received & { json: Delivery }> {
    return this.requests
      .filter((r) => typeof r.answered === 'number' && r.answered < 300)
      .map((r) => ({ ...r, json: JSON.parse(r.body) as Delivery }));
  }
}

/** A delivery body as RV3 gets it (Standard Webhooks envelope around a feed change). */
export interface Delivery {
  type: string;
  timestamp: string;
  data: { cursor: string; kind: string; origin: string; changed: string[]; at: string; cita: { id: string } };
}

/**
 * Verifies a request with svix's own Standard Webhooks implementation (not the package that
 * signed it) and answers the parsed body; throws when the signature does not verify.
 */
export function verifyWithSvix(secret: string, request: Received): Delivery {
  const headers = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(request.headers[h])]),
  );
  return new Webhook(secret).verify(request.body, headers) as Delivery;
}

/** A location id of its own, so tests sharing a file's database do not hear each other. */
export const newLocation = () => `loc-${randomUUID().slice(0, 8)}`;

/** What adding and changing endpoints takes, on the test's database and queues. */
export function endpointDeps(config: Config, db: Db, queues: Queues) {
  return { db, queues, key: config.ghl.tokens.encryptionKey, secretOverlapMs: 86_400_000 };
}

/** Positions each cita's requests carried, retries included, in arrival order. */
export function positionsPerCita(requests: Array<{ body: string }>): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const r of requests) {
    const d = JSON.parse(r.body) as Delivery;
    seen.set(d.data.cita.id, [...(seen.get(d.data.cita.id) ?? []), Number(d.data.cursor.slice(3))]);
  }
  return seen;
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Every change of a location in feed order, as the table holds them (positioned first). */
export async function changesOf(db: Db, locationId: string) {
  await sequenceChanges(db);
  return db
    .select()
    .from(citaChanges)
    .where(eq(citaChanges.locationId, locationId))
    .orderBy(asc(citaChanges.position), asc(citaChanges.seq));
}

/** True when, for each cita, the positions of its changes only ever grow in arrival order. */
export function inOrderPerCita(deliveries: Delivery[]): boolean {
  const last = new Map<string, number>();
  for (const d of deliveries) {
    const position = Number(d.data.cursor.slice(3));
    if ((last.get(d.data.cita.id) ?? 0) >= position) return false;
    last.set(d.data.cita.id, position);
  }
  return true;
}

export interface NotificationWorkerOptions {
  config: Config;
  database: TestDatabase;
  /** Blocking connection for the BullMQ worker (maxRetriesPerRequest null). */
  redis: Redis;
  retryScheduleMs?: number[];
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The worker as deployed, in process, on the test's database: every queue's worker with the real
 * processors (only `notifications` gets jobs in these tests) and the dispatcher (LISTEN + sweeps),
 * with the retry schedule and timeouts scaled down.
 */
export async function startNotificationWorker(options: NotificationWorkerOptions) {
  const { config, database, redis } = options;
  const worker = await createWorker(
    {
      ...config,
      notifications: {
        ...config.notifications,
        retryScheduleMs: options.retryScheduleMs ?? [100, 200, 400],
        timeoutMs: options.timeoutMs ?? 2000,
        sweepMs: 500,
      },
    },
    {
      database,
      redis,
      concurrency: 20,
      schedulers: false,
      notificationIdleMs: 5_000,
      ...(options.now ? { now: options.now } : {}),
    },
  );
  return { metrics: worker.metrics, dispatcher: worker.dispatcher, close: () => worker.close() };
}

const base = Date.UTC(2031, 0, 6, 14);

/** Staff-side writes through the cita module: each appends its change, as the API's do. */
export function staffWrites(db: Db, locationId: string) {
  let slot = 0;
  return {
    async book(name: string): Promise<Cita> {
      const start = new Date(base + slot++ * 3_600_000);
      const end = new Date(start.getTime() + 1_800_000);
      return db.transaction((tx) =>
        createStaffCita(tx, {
          locationId,
          calendarId: `cal-${locationId}`,
          patientName: name,
          startAt: start,
          endAt: end,
          blockedUntil: end,
        }),
      );
    },
    async note(id: string, notes: string): Promise<Cita> {
      return db.transaction(async (tx) => {
        const current = await lockCita(tx, id);
        if (!current) throw new Error(`no cita ${id}`);
        return changeStaffCita(tx, current, { notes });
      });
    },
  };
}
