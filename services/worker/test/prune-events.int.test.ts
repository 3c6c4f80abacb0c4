import { randomUUID } from 'node:crypto';
import {
  createApiKey,
  idempotencyKeys,
  notificationDeliveries,
  notificationEndpoints,
  webhookEvents,
} from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import {
  pruneFinishedDeliveries,
  pruneIdempotencyKeys,
  pruneWebhookEvents,
} from '../src/webhooks/prune-events.js';

describe('webhook retention', () => {
  test('deletes finished events past retention and keeps failed, unfinished and recent ones', async ({
    database,
  }) => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 86_400_000);
    const row = (n: number, status: 'processed' | 'ignored' | 'failed' | 'received', receivedAt: Date) => ({
      payloadHash: `${n}`.padStart(64, '0'),
      eventType: 'AppointmentCreate',
      status,
      payload: {},
      receivedAt,
    });
    await database.db
      .insert(webhookEvents)
      .values([
        row(1, 'processed', old),
        row(2, 'ignored', old),
        row(3, 'failed', old),
        row(4, 'received', old),
        row(5, 'processed', recent),
      ]);
    expect(await pruneWebhookEvents(database.db, 30)).toBe(2);
    const left = await database.db.select({ status: webhookEvents.status }).from(webhookEvents);
    expect(left.map((r) => r.status).sort()).toEqual(['failed', 'processed', 'received']);
  });

  test('deletes idempotency keys older than a day', async ({ database }) => {
    const { apiKey } = await createApiKey(database.db, { name: 'rv3', locationIds: ['loc'] });
    const row = (key: string, createdAt: Date) => ({
      apiKeyId: apiKey.id,
      key,
      requestHash: 'h',
      responseStatus: 202,
      responseBody: {},
      createdAt,
    });
    await database.db
      .insert(idempotencyKeys)
      .values([row('old', new Date(Date.now() - 2 * 86_400_000)), row('new', new Date())]);
    expect(await pruneIdempotencyKeys(database.db)).toBe(1);
    expect((await database.db.select().from(idempotencyKeys)).map((r) => r.key)).toEqual(['new']);
  });
});

describe('delivery retention', () => {
  test('deletes deliveries that ended before the cutoff and keeps those still owed', async ({ database }) => {
    const { db } = database;
    const endpointId = randomUUID();
    await db.insert(notificationEndpoints).values({
      id: endpointId,
      url: 'https://rv3.example/hook',
      locationIds: ['loc'],
      secretSealed: 'sealed',
      secretHint: 'whsec_ab',
    });
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 86_400_000);
    const delivery = (n: number, status: 'pending' | 'queued' | 'delivered' | 'failed', at: Date) => ({
      endpointId,
      changeSeq: n,
      position: n,
      citaId: randomUUID(),
      status,
      deliveredAt: status === 'delivered' ? at : null,
      failedAt: status === 'failed' ? at : null,
      createdAt: at,
    });
    await db
      .insert(notificationDeliveries)
      .values([
        delivery(1, 'delivered', old),
        delivery(2, 'failed', old),
        delivery(3, 'pending', old),
        delivery(4, 'queued', old),
        delivery(5, 'delivered', recent),
      ]);
    expect(await pruneFinishedDeliveries(db, new Date(Date.now() - 30 * 86_400_000))).toBe(2);
    const left = await db.select({ seq: notificationDeliveries.changeSeq }).from(notificationDeliveries);
    expect(left.map((r) => r.seq).sort()).toEqual([3, 4, 5]);
  });
});
