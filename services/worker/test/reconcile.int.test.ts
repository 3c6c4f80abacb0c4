import { citas } from '@ghl-bridge/db';
import { createGhl } from '@ghl-bridge/ghl';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { sandboxLocation, test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { reconcileLocation } from '../src/reconcile/reconcile-location.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: { max: 100_000 } });
});
afterAll(() => sandbox.close());

const window = { backMs: 86_400_000, aheadMs: 60 * 86_400_000 };

describe('reconciliation', () => {
  test('repairs what webhooks missed: creates, updates, removes, then finds no drift', async ({
    config,
    database,
    redis,
  }) => {
    const location = await sandboxLocation(sandbox);
    const { contacts } = await sandbox.admin.seed({
      contacts: [{ locationId: location.locationId, firstName: 'Ana', email: 'ana@example.com' }],
    });
    const ghl = createGhl({
      config: { ...config, ghl: { ...config.ghl, apiBaseUrl: sandbox.url } },
      db: database.db,
      redis,
      log: createLogger({ name: 'test', level: 'silent' }),
      metrics: createMetrics().ghl,
    });
    await ghl.store.save(location.install);
    // Whole seconds: GHL (and the sandbox) keep appointment times to the second.
    const base = Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000;
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await sandbox.admin.uiCreateAppointment({
          calendarId: location.calendarId,
          contactId: contacts[0] ?? '',
          startTime: new Date(base + i * 3600_000).toISOString(),
          endTime: new Date(base + i * 3600_000 + 1800_000).toISOString(),
          title: `Cita ${i}`,
        }),
      );
    }
    const reconcile = () => reconcileLocation(database.db, ghl.client, location.locationId, window);

    expect(await reconcile()).toMatchObject({ created: 3, updated: 0, removed: 0, failed: [] });
    const moved = new Date(base + 10 * 3600_000);
    await sandbox.admin.uiUpdateAppointment(made[0]?.id ?? '', {
      startTime: moved.toISOString(),
      endTime: new Date(moved.getTime() + 1800_000).toISOString(),
    });
    await sandbox.admin.uiDeleteAppointment(made[1]?.id ?? '');
    expect(await reconcile()).toMatchObject({ created: 0, updated: 1, removed: 1, failed: [] });
    expect(await reconcile()).toMatchObject({ created: 0, updated: 0, removed: 0, failed: [] });

    const [first] = await database.db
      .select()
      .from(citas)
      .where(eq(citas.ghlAppointmentId, made[0]?.id ?? ''));
    expect(first?.startAt.getTime()).toBe(moved.getTime());
    const [second] = await database.db
      .select()
      .from(citas)
      .where(eq(citas.ghlAppointmentId, made[1]?.id ?? ''));
    expect(second?.deletedAt).toBeInstanceOf(Date);
  });
});
