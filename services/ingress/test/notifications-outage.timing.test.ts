import { randomUUID } from 'node:crypto';
import { notificationAttempts, notificationDeliveries } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { addEndpoint } from '@ghl-bridge/notifications';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  changesOf,
  type Delivery,
  eventually,
  Receiver,
  staffWrites,
  startNotificationWorker,
  verifyWithSvix,
} from './notification-harness.js';

const OUTAGE_MS = 30_000;
// Svix's shape, scaled from hours to seconds: it spans the outage with room to spare.
const SCHEDULE_MS = [1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000];
const LONGEST_WAIT_MS = Math.max(...SCHEDULE_MS) * 1.1;

describe('an endpoint that fails for a while', () => {
  test('answering 500 for 30 s then 200 loses nothing: every change arrives once, in order per cita, within one retry step of recovery', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = `loc-${randomUUID().slice(0, 8)}`;
    const receiver = await new Receiver().listen();
    const started = Date.now();
    const outageEnds = started + OUTAGE_MS;
    receiver.answer = () => (Date.now() < outageEnds ? 500 : 200);
    const running = await startNotificationWorker({
      config,
      database,
      redis,
      retryScheduleMs: SCHEDULE_MS,
    });
    try {
      const { endpoint, secret } = await addEndpoint(
        { db: database.db, queues, key: config.ghl.tokens.encryptionKey, secretOverlapMs: 0 },
        { url: receiver.url, locations: [loc] },
      );
      const write = staffWrites(database.db, loc);
      const citas = [await write.book('Ana'), await write.book('Luis'), await write.book('Rosa')];
      for (const cita of citas) await write.note(cita.id, 'before the outage was noticed');
      // Halfway through the outage, with retries already failing, more changes come in.
      await eventually('retries failing', async () => {
        const rows = await database.db.select().from(notificationAttempts);
        return rows.filter((r) => r.statusCode === 500).length >= 6;
      });
      for (const cita of citas) await write.note(cita.id, 'during the outage');
      expect(Date.now()).toBeLessThan(outageEnds);

      const expected = await changesOf(database.db, loc);
      expect(expected).toHaveLength(9);
      await eventually(
        'every delivery delivered',
        async () => {
          const rows = await database.db
            .select()
            .from(notificationDeliveries)
            .where(eq(notificationDeliveries.endpointId, endpoint.id));
          return rows.length === 9 && rows.every((r) => r.status === 'delivered');
        },
        OUTAGE_MS + 2 * LONGEST_WAIT_MS,
      );

      const failures = receiver.requests.filter((r) => r.answered === 500);
      const delivered = receiver.delivered();
      // The outage was real: failing answers for its whole length, nothing accepted during it.
      expect((failures.at(-1)?.at ?? 0) - started).toBeGreaterThan(OUTAGE_MS - LONGEST_WAIT_MS);
      expect(delivered.every((r) => r.at >= outageEnds)).toBe(true);
      // Once back, each lane's next retry came within one step of the schedule.
      const recovered = Math.max(...delivered.map((r) => r.at)) - outageEnds;
      expect(recovered).toBeLessThan(LONGEST_WAIT_MS + 3000);

      const ids = delivered.map((r) => String(r.headers['webhook-id']));
      expect(ids.sort()).toEqual(expected.map((c) => `chg_${c.position}`).sort());
      const bodies: Delivery[] = delivered.map((r) => verifyWithSvix(secret, r));
      expect(new Set(bodies.map((b) => b.data.cursor)).size).toBe(9);
      // Per cita, no request (retries included) ever carried an older change than one before it.
      const seen = new Map<string, number>();
      for (const request of receiver.requests) {
        const d = JSON.parse(request.body) as Delivery;
        const position = Number(d.data.cursor.slice(3));
        expect(position).toBeGreaterThanOrEqual(seen.get(d.data.cita.id) ?? 0);
        seen.set(d.data.cita.id, position);
      }
    } finally {
      await running.close();
      await receiver.shut();
      await closeQueues(queues);
    }
  }, 120_000);
});
