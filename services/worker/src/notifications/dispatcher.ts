import { CHANGES_CHANNEL, sequenceChanges } from '@ghl-bridge/citas';
import { type Db, fanOutChanges } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import { releaseAndEnqueue, requeueIdleDeliveries } from '@ghl-bridge/notifications';
import type { Logger } from '@ghl-bridge/observability';
import type { Sql } from 'postgres';

export interface DispatcherOptions {
  db: Db;
  /** The pool's driver: LISTEN takes a connection of its own from it. */
  sql: Sql;
  queues: Queues;
  log: Logger;
  /** Fallback period: a run even without a notification, plus the sweeps. */
  sweepMs: number;
  /** Changes committed this close together are fanned out in one run. */
  debounceMs?: number;
  /** A queued delivery untouched this long gets its job again (see requeueIdleDeliveries). */
  idleMs?: number;
  /** Changes fanned out per transaction. */
  batch?: number;
}

export interface NotificationDispatcher {
  /** Runs now (after any run in progress) and resolves when that run is over. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Turns committed changes into deliveries. Wakes on the NOTIFY every change-writing transaction
 * sends at commit (debounced), and every `sweepMs` in case one was missed. Each run positions
 * what committed (sequenceChanges), fans the new positions out to matching endpoints under the
 * cursor row's lock (one dispatcher at a time across processes; the others come back shortly),
 * and queues the next delivery of each lane it touched.
 */
export async function startNotificationDispatcher(
  options: DispatcherOptions,
): Promise<NotificationDispatcher> {
  const { db, sql, queues, log, sweepMs, debounceMs = 10, idleMs = 60_000, batch = 2000 } = options;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delayMs: number) => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, delayMs);
  };

  /** Wanted again while running: run once more right after, so nothing committed meanwhile waits. */
  const wake = () => {
    if (running) again = true;
    else schedule(debounceMs);
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        const busy = await dispatch();
        // Another process holds the cursor and may have read the head before our changes.
        if (busy) again = true;
      } catch (error) {
        log.warn({ err: error }, 'notification dispatch failed; retrying on the next wake or sweep');
      } finally {
        running = undefined;
        if (again && !stopped) {
          again = false;
          schedule(debounceMs);
        }
      }
    })();
    return running;
  };

  /** Answers true when another dispatcher held the cursor. */
  async function dispatch(): Promise<boolean> {
    await sequenceChanges(db);
    for (;;) {
      const fanned = await fanOutChanges(db, { batch });
      if (fanned.busy) return true;
      if (fanned.upTo === fanned.after) return false;
      const queued = await releaseAndEnqueue(db, queues, { positions: fanned });
      log.debug({ upTo: fanned.upTo, deliveries: fanned.deliveries, queued }, 'changes fanned out');
      if (fanned.upTo - fanned.after < batch) return false;
    }
  }

  // One sweep at a time: a slow one (many idle deliveries) is not overtaken by the next tick.
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    try {
      await run();
      const released = await releaseAndEnqueue(db, queues, { all: true });
      const requeued = await requeueIdleDeliveries(db, queues, idleMs);
      if (released || requeued) log.info({ released, requeued }, 'notification sweep queued deliveries');
    } catch (error) {
      log.warn({ err: error }, 'notification sweep failed');
    }
  };
  const sweeper = setInterval(() => {
    if (sweeping || stopped) return;
    sweeping = sweep().finally(() => {
      sweeping = undefined;
    });
  }, sweepMs);
  sweeper.unref();

  // Re-subscribed by postgres.js after a reconnect; a run then covers what came meanwhile.
  const listener = await sql.listen(CHANGES_CHANNEL, wake, wake);

  return {
    runNow: async () => {
      await running;
      await run();
    },
    async stop() {
      stopped = true;
      clearInterval(sweeper);
      if (timer) clearTimeout(timer);
      await listener.unlisten().catch(() => undefined);
      await sweeping;
      await running;
    },
  };
}
