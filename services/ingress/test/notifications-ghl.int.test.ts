import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ghl-bridge/config';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { addEndpoint } from '@ghl-bridge/notifications';
import { sandboxLocation, test, testEnv } from '@ghl-bridge/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { applied, startStack } from './full-stack.js';
import { changesOf, eventually, inOrderPerCita, Receiver, verifyWithSvix } from './notification-harness.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

describe('GHL-side changes reach RV3', () => {
  test('appointments created, moved and deleted in GHL arrive at the receiver, verified by svix, once per webhook-id, in order per cita', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const location = await sandboxLocation(sandbox);
    // Assigned, as in GHL's published examples (one user per appointment, so both fit the calendar).
    const { contacts, users } = await sandbox.admin.seed({
      users: [
        { locationId: location.locationId, name: 'Dra. Rojas' },
        { locationId: location.locationId, name: 'Dr. Paz' },
      ],
      contacts: [
        { locationId: location.locationId, firstName: 'Ana', email: 'ana@example.com' },
        { locationId: location.locationId, firstName: 'Luis', phone: '+51999000111' },
      ],
    });
    const config = loadConfig(
      testEnv({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: queuePrefix,
        GHL_WEBHOOK_PUBLIC_KEY: sandbox.publicKeys.ed25519,
        GHL_API_BASE_URL: sandbox.url,
        // The dispatcher's sweep, every second.
        NOTIFICATION_SWEEP_SECONDS: '1',
      }),
    );
    const stack = await startStack(
      config,
      { database, redis },
      { installs: [location.install], concurrency: 10 },
    );
    await stack.app.listen({ host: '127.0.0.1', port: 0 });
    const ingressPort = (stack.app.server.address() as AddressInfo).port;
    await sandbox.admin.setWebhook({ url: `http://127.0.0.1:${ingressPort}/api/webhooks/ghl/` });
    const { queues } = stack;
    const receiver = await new Receiver().listen();
    try {
      const { secret } = await addEndpoint(
        { db: database.db, queues, key: config.ghl.tokens.encryptionKey, secretOverlapMs: 0 },
        { url: receiver.url, locations: [location.locationId] },
      );
      const base = Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000;
      const slot = (hour: number) => ({
        startTime: new Date(base + hour * 3_600_000).toISOString(),
        endTime: new Date(base + hour * 3_600_000 + 1_800_000).toISOString(),
      });
      // GHL delivers concurrently: each step is applied before the next, so the changes
      // RV3 hears are the ones each step makes (an update that overtook its create would be
      // heard as the create).
      const settled = async () => {
        expect((await sandbox.admin.webhooksIdle(10_000)).idle).toBe(true);
        await eventually('GHL events applied', () => applied(queues));
      };
      const kept = await sandbox.admin.uiCreateAppointment({
        calendarId: location.calendarId,
        contactId: contacts[0] ?? '',
        assignedUserId: users[0] ?? '',
        title: 'Control',
        ...slot(0),
      });
      const dropped = await sandbox.admin.uiCreateAppointment({
        calendarId: location.calendarId,
        contactId: contacts[1] ?? '',
        assignedUserId: users[1] ?? '',
        title: 'Primera consulta',
        ...slot(2),
      });
      await settled();
      await sandbox.admin.uiUpdateAppointment(kept.id, slot(5));
      await sandbox.admin.uiDeleteAppointment(dropped.id);
      await settled();

      const changes = await changesOf(database.db, location.locationId);
      const byAppointment = (id: string) =>
        changes.filter((c) => (c.cita as { ghl_appointment_id?: string }).ghl_appointment_id === id);
      expect(byAppointment(kept.id).map((c) => c.kind)).toContain('cita.created');
      expect(
        byAppointment(kept.id).some((c) => c.kind === 'cita.updated' && c.changed.includes('start')),
      ).toBe(true);
      // The patient's name arrives once the worker has read the new contact from GHL.
      expect(byAppointment(dropped.id).map((c) => [c.kind, c.changed.join(',')])).toEqual([
        ['cita.created', expect.any(String)],
        ['cita.updated', 'patient'],
        ['cita.deleted', 'deleted_at'],
      ]);
      expect(changes.every((c) => c.origin === 'ghl')).toBe(true);

      await eventually('every change delivered', () => receiver.delivered().length >= changes.length);
      const requests = receiver.delivered();
      const ids = requests.map((r) => String(r.headers['webhook-id']));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(changes.map((c) => `chg_${c.position}`).sort());
      const bodies = requests.map((r) => verifyWithSvix(secret, r));
      expect(inOrderPerCita(bodies)).toBe(true);
      expect(bodies.map((b) => b.type).sort()).toEqual(changes.map((c) => c.kind).sort());
      const deleted = bodies.find((b) => b.type === 'cita.deleted');
      expect(deleted?.data.cita).toMatchObject({
        ghl_appointment_id: dropped.id,
        deleted_at: expect.any(String),
      });
    } finally {
      await stack.close();
      await receiver.shut();
      await sandbox.admin.setWebhook({ url: '' });
    }
  }, 40_000);
});
