import { randomUUID } from 'node:crypto';
import { toChangeJson } from '@ghl-bridge/citas';
import type { Config } from '@ghl-bridge/config';
import {
  getLocationSettings,
  notificationAttempts,
  notificationDeliveries,
  notificationEndpoints,
} from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import {
  addEndpoint,
  type EndpointAdminDeps,
  replayEndpoint,
  rotateEndpointSecret,
} from '@ghl-bridge/notifications';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  changesOf,
  type Delivery,
  eventually,
  inOrderPerCita,
  Receiver,
  staffWrites,
  startNotificationWorker,
  verifyWithSvix,
} from './notification-harness.js';

const location = () => `loc-${randomUUID().slice(0, 8)}`;

function setup(config: Config, db: EndpointAdminDeps['db'], queues: EndpointAdminDeps['queues']) {
  return { db, queues, key: config.ghl.tokens.encryptionKey, secretOverlapMs: 86_400_000 };
}

/** Positions each cita's requests carried, retries included, in arrival order. */
function positionsPerCita(requests: Array<{ body: string }>): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const r of requests) {
    const d = JSON.parse(r.body) as Delivery;
    seen.set(d.data.cita.id, [...(seen.get(d.data.cita.id) ?? []), Number(d.data.cursor.slice(3))]);
  }
  return seen;
}

describe('outbound webhooks to RV3', () => {
  test('each endpoint gets every change of its locations and kinds, signed, once per webhook-id, in order per cita', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const [one, two, other] = [location(), location(), location()];
    const all = await new Receiver().listen();
    const updatesOnly = await new Receiver().listen();
    const running = await startNotificationWorker({ config, database, redis, queues });
    try {
      const deps = setup(config, database.db, queues);
      const a = await addEndpoint(deps, { url: all.url, locations: [one] });
      const b = await addEndpoint(deps, {
        url: updatesOnly.url,
        locations: [one, two],
        kinds: ['cita.updated'],
      });
      const write = { one: staffWrites(database.db, one), two: staffWrites(database.db, two) };
      for (let i = 0; i < 3; i++) {
        const cita = await write.one.book(`Paciente ${i}`);
        await write.one.note(cita.id, 'first call');
        await write.one.note(cita.id, 'second call');
      }
      const elsewhere = await write.two.book('Otra sede');
      await write.two.note(elsewhere.id, 'moved');
      await staffWrites(database.db, other).book('Nadie escucha');

      const expectedAll = await changesOf(database.db, one);
      const expectedUpdates = [...expectedAll, ...(await changesOf(database.db, two))].filter(
        (c) => c.kind === 'cita.updated',
      );
      expect(expectedAll).toHaveLength(9);
      expect(expectedUpdates).toHaveLength(7);
      await eventually('every delivery', async () => {
        const rows = await database.db.select().from(notificationDeliveries);
        return rows.filter((r) => r.status === 'delivered').length === 16;
      });

      for (const [receiver, secret, expected] of [
        [all, a.secret, expectedAll],
        [updatesOnly, b.secret, expectedUpdates],
      ] as const) {
        const got = receiver.delivered().map((r) => verifyWithSvix(secret, r));
        const ids = receiver.delivered().map((r) => String(r.headers['webhook-id']));
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual(expected.map((c) => `chg_${c.position}`).sort());
        expect(inOrderPerCita(got)).toBe(true);
        expect(receiver.requests).toHaveLength(expected.length);
      }
      // The body is the feed's change under Standard Webhooks' envelope.
      const first = expectedAll[0];
      if (!first) throw new Error('no change');
      const body = all.delivered().find((r) => r.headers['webhook-id'] === `chg_${first.position}`)?.json;
      expect(body).toEqual({
        type: first.kind,
        timestamp: first.at.toISOString(),
        data: JSON.parse(JSON.stringify(toChangeJson(first, await getLocationSettings(database.db, one)))),
      });

      // Counted right after the row is written, so looked at until the last one is in.
      const metric = (name: string) => running.metrics.registry.getSingleMetricAsString(name);
      await eventually('lag observed', async () =>
        (await metric('notification_delivery_lag_seconds')).includes('_count 16'),
      );
      const counted = await metric('notification_deliveries_total');
      expect(counted).toContain(`endpoint="${a.endpoint.id}",outcome="delivered"} 9`);
      expect(counted).toContain(`endpoint="${b.endpoint.id}",outcome="delivered"} 7`);
    } finally {
      await running.close();
      await Promise.all([all.shut(), updatesOnly.shut()]);
      await closeQueues(queues);
    }
  });

  test('a receiver that answers 500, hangs, or is down gets everything once back, in order per cita, each attempt recorded', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = location();
    const receiver = await new Receiver().listen();
    // 500 three times, then one request left hanging past the timeout, then 2xx.
    receiver.answer = ({ n }) => (n < 3 ? 500 : n === 3 ? 'hang' : 200);
    const running = await startNotificationWorker({
      config,
      database,
      redis,
      queues,
      timeoutMs: 300,
      retryScheduleMs: [100, 150, 200, 300, 400, 400, 400, 400, 400, 400],
    });
    try {
      const { endpoint } = await addEndpoint(setup(config, database.db, queues), {
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
    const loc = location();
    const receiver = await new Receiver().listen();
    receiver.answer = () => 410;
    const running = await startNotificationWorker({ config, database, redis, queues });
    try {
      const { endpoint } = await addEndpoint(setup(config, database.db, queues), {
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
    const loc = location();
    const receiver = await new Receiver().listen();
    receiver.answer = () => 503;
    const running = await startNotificationWorker({
      config,
      database,
      redis,
      queues,
      retryScheduleMs: [50, 50],
    });
    try {
      const deps = setup(config, database.db, queues);
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

  test('after a rotation deliveries carry both signatures until the overlap ends, each verifying under its own secret', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = location();
    const receiver = await new Receiver().listen();
    const running = await startNotificationWorker({ config, database, redis, queues });
    try {
      const deps = setup(config, database.db, queues);
      const { endpoint, secret: first } = await addEndpoint(deps, { url: receiver.url, locations: [loc] });
      const rotated = await rotateEndpointSecret(deps, endpoint.id);
      if (!rotated) throw new Error('not rotated');
      expect(rotated.secret).not.toBe(first);
      expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Date.parse(rotated.endpoint.previous_secret_valid_until ?? '')).toBeGreaterThan(
        Date.now() + 86_000_000,
      );

      const write = staffWrites(database.db, loc);
      const cita = await write.book('Ana');
      await eventually('first delivery', () => receiver.delivered().length === 1);
      const [during] = receiver.delivered();
      if (!during) throw new Error('none');
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifyWithSvix(first, during).data.cita.id).toBe(cita.id);
      expect(verifyWithSvix(rotated.secret, during).data.cita.id).toBe(cita.id);

      // A rotation whose overlap is over (made two days ago): only the newest secret signs.
      const twoDaysAgo = { ...deps, now: () => Date.now() - 2 * 86_400_000 };
      const latest = await rotateEndpointSecret(twoDaysAgo, endpoint.id);
      if (!latest) throw new Error('not rotated');
      await write.note(cita.id, 'v2');
      await eventually('second delivery', () => receiver.delivered().length === 2);
      const after = receiver.delivered()[1];
      if (!after) throw new Error('none');
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifyWithSvix(latest.secret, after).data.kind).toBe('cita.updated');
      expect(() => verifyWithSvix(rotated.secret, after)).toThrow();
      expect(() => verifyWithSvix(first, after)).toThrow();
    } finally {
      await running.close();
      await receiver.shut();
      await closeQueues(queues);
    }
  });
});
