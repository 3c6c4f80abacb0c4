import { notificationAttempts, notificationDeliveries, notificationEndpoints } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { addEndpoint, replayEndpoint } from '@ghl-bridge/notifications';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  changesOf,
  endpointDeps,
  eventually,
  newLocation,
  positionsPerCita,
  Receiver,
  staffWrites,
  startNotificationWorker,
} from './notification-harness.js';

describe('an endpoint that fails', () => {
  test('a receiver that answers 500, hangs, or is down gets everything once back, in order per cita, each attempt recorded', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = newLocation();
    const receiver = await new Receiver().listen();
    // 500 three times, then one request left hanging past the timeout, then 2xx.
    receiver.answer = ({ n }) => (n < 3 ? 500 : n === 3 ? 'hang' : 200);
    const running = await startNotificationWorker({
      config,
      database,
      redis,
      timeoutMs: 300,
      retryScheduleMs: [100, 150, 200, 300, 400, 400, 400, 400, 400, 400],
    });
    try {
      const { endpoint } = await addEndpoint(endpointDeps(config, database.db, queues), {
        url: receiver.url,
        locations: [loc],
      });
      const write = staffWrites(database.db, loc);
      const citas = [await write.book('Ana'), await write.book('Luis')];
      for (const cita of citas) await write.note(cita.id, 'v2');
      await eventually('the failures and the hang timed out', async () => {
        const rows = await database.db.select().from(notificationAttempts);
        return rows.some((r) => r.statusCode === null && /timeout/i.test(r.error ?? ''));
      });

      // Down: connections refused while more changes are written.
      await receiver.shut();
      for (const cita of citas) await write.note(cita.id, 'v3');
      await eventually('refused attempts', async () => {
        const rows = await database.db.select().from(notificationAttempts);
        return rows.some((r) => r.error?.includes('ECONNREFUSED'));
      });
      await receiver.listen();

      const expected = await changesOf(database.db, loc);
      expect(expected).toHaveLength(6);
      // Recorded as delivered (the receiver answers before the worker writes the attempt down).
      await eventually('everything delivered', async () => {
        const rows = await database.db
          .select()
          .from(notificationDeliveries)
          .where(eq(notificationDeliveries.endpointId, endpoint.id));
        return rows.length === 6 && rows.every((r) => r.status === 'delivered');
      });
      const ids = receiver.delivered().map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(6);
      expect(ids.sort()).toEqual(expected.map((c) => `chg_${c.position}`).sort());
      // Not even a retry of a cita's earlier change was overtaken by a later one.
      for (const positions of positionsPerCita(receiver.requests).values())
        expect(positions).toEqual([...positions].sort((x, y) => x - y));

      const attempts = await database.db
        .select()
        .from(notificationAttempts)
        .innerJoin(notificationDeliveries, eq(notificationDeliveries.id, notificationAttempts.deliveryId))
        .where(eq(notificationDeliveries.endpointId, endpoint.id));
      const rows = attempts.map((r) => r.notification_attempts);
      expect(rows.filter((r) => r.statusCode === 500)).toHaveLength(3);
      expect(rows.some((r) => r.statusCode === null && /timeout/i.test(r.error ?? ''))).toBe(true);
      expect(rows.some((r) => r.error?.includes('ECONNREFUSED'))).toBe(true);
      expect(rows.filter((r) => r.statusCode === 200)).toHaveLength(6);
      // The hung attempt took the whole timeout; latency is kept per attempt.
      expect(Math.max(...rows.map((r) => r.latencyMs))).toBeGreaterThanOrEqual(290);
    } finally {
      await running.close();
      await receiver.shut();
      await closeQueues(queues);
    }
  });

  test('410 disables the endpoint: what waited fails, later changes are not sent, the metric counts it', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = newLocation();
    const receiver = await new Receiver().listen();
    receiver.answer = () => 410;
    const running = await startNotificationWorker({ config, database, redis });
    try {
      const { endpoint } = await addEndpoint(endpointDeps(config, database.db, queues), {
        url: receiver.url,
        locations: [loc],
      });
      const write = staffWrites(database.db, loc);
      const cita = await write.book('Ana');
      await write.note(cita.id, 'v2');
      await eventually('the endpoint disabled', async () => {
        const [row] = await database.db
          .select()
          .from(notificationEndpoints)
          .where(eq(notificationEndpoints.id, endpoint.id));
        return row?.disabledAt !== null;
      });
      const [row] = await database.db
        .select()
        .from(notificationEndpoints)
        .where(eq(notificationEndpoints.id, endpoint.id));
      expect(row?.disabledReason).toMatch(/410/);
      const deliveries = await database.db
        .select()
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.endpointId, endpoint.id));
      // The second change either waited behind the first (failed with it) or came after the
      // disable (no delivery at all): either way nothing more reached the receiver.
      expect(deliveries.length).toBeGreaterThanOrEqual(1);
      expect(deliveries.every((d) => d.status === 'failed')).toBe(true);
      expect(receiver.requests).toHaveLength(1);

      await write.note(cita.id, 'v3');
      await running.dispatcher.runNow();
      const after = await database.db
        .select()
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.endpointId, endpoint.id));
      expect(after).toHaveLength(deliveries.length);
      expect(receiver.requests).toHaveLength(1);
      await eventually('the disable counted', async () =>
        (
          await running.metrics.registry.getSingleMetricAsString('notification_endpoints_disabled_total')
        ).includes('reason="gone"} 1'),
      );
    } finally {
      await running.close();
      await receiver.shut();
      await closeQueues(queues);
    }
  });

  test('retries spent fail a delivery and release the next; replay sends everything again in order, same webhook-ids', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = newLocation();
    const receiver = await new Receiver().listen();
    receiver.answer = () => 503;
    const running = await startNotificationWorker({
      config,
      database,
      redis,
      retryScheduleMs: [50, 50],
    });
    try {
      const deps = endpointDeps(config, database.db, queues);
      const { endpoint } = await addEndpoint(deps, { url: receiver.url, locations: [loc] });
      const since = new Date();
      const write = staffWrites(database.db, loc);
      const cita = await write.book('Ana');
      await write.note(cita.id, 'v2');
      await eventually('both failed', async () => {
        const rows = await database.db
          .select()
          .from(notificationDeliveries)
          .where(eq(notificationDeliveries.endpointId, endpoint.id));
        return rows.length === 2 && rows.every((r) => r.status === 'failed' && r.attempts === 3);
      });
      // Three attempts of the first change, then three of the second: never interleaved.
      expect([...positionsPerCita(receiver.requests).values()][0]).toEqual(
        (await changesOf(database.db, loc)).flatMap((c) => [c.position, c.position, c.position]),
      );

      receiver.answer = () => 200;
      expect(await replayEndpoint(deps, endpoint.id, since)).toEqual({ outcome: 'replayed', deliveries: 2 });
      await eventually('replayed', () => receiver.delivered().length === 2);
      const ids = receiver.delivered().map((r) => r.headers['webhook-id']);
      const expected = (await changesOf(database.db, loc)).map((c) => `chg_${c.position}`);
      expect(ids).toEqual(expected);

      // Delivered ones replay too (a receiver that lost its data asks for them again).
      expect(await replayEndpoint(deps, endpoint.id, since)).toEqual({ outcome: 'replayed', deliveries: 2 });
      await eventually('replayed again', () => receiver.delivered().length === 4);
      expect(receiver.delivered().map((r) => r.headers['webhook-id'])).toEqual([...expected, ...expected]);
      // Nothing before `since` is replayed.
      expect(await replayEndpoint(deps, endpoint.id, new Date(Date.now() + 60_000))).toEqual({
        outcome: 'replayed',
        deliveries: 0,
      });
    } finally {
      await running.close();
      await receiver.shut();
      await closeQueues(queues);
    }
  });
});
