import { toChangeJson } from '@ghl-bridge/citas';
import { getLocationSettings, notificationDeliveries } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { addEndpoint, rotateEndpointSecret } from '@ghl-bridge/notifications';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import {
  changesOf,
  endpointDeps,
  eventually,
  inOrderPerCita,
  newLocation,
  Receiver,
  staffWrites,
  startNotificationWorker,
  verifyWithSvix,
} from './notification-harness.js';

describe('outbound webhooks to RV3', () => {
  test('each endpoint gets every change of its locations and kinds, signed, once per webhook-id, in order per cita', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const [one, two, other] = [newLocation(), newLocation(), newLocation()];
    const all = await new Receiver().listen();
    const updatesOnly = await new Receiver().listen();
    const running = await startNotificationWorker({ config, database, redis });
    try {
      const deps = endpointDeps(config, database.db, queues);
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

  test('after a rotation deliveries carry both signatures until the overlap ends, each verifying under its own secret', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const loc = newLocation();
    const receiver = await new Receiver().listen();
    const running = await startNotificationWorker({ config, database, redis });
    try {
      const deps = endpointDeps(config, database.db, queues);
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
