import { webhookEvents } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { pruneWebhookEvents } from '../src/webhooks/prune-events.js';

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
});
